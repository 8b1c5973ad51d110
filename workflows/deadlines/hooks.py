"""Called by workflows.worklist.sync when steps open or close: assignment notifications, the ladder armed
for new steps and the subject, overdue evidence resolved when a step or the subject closes."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import update

from models.deadlines import OverdueRecord
from models.engine import ProcessInstance, WorkItem
from workflows import families, notifications
from workflows.deadlines import ladder


def work_added(session, instance: ProcessInstance, rows: list[WorkItem], now: datetime) -> None:
    notifications.work_added(session, rows, now)
    ctx = ladder.Context(session)
    for work in rows:
        ladder.arm_work(ctx, work)
    fam = families.find(instance.family)
    subject = session.get(fam.model, instance.subject_id) if fam else None
    if subject is not None:
        ladder.arm_subject(ctx, fam, subject)
    session.flush()


def work_closed(session, instance: ProcessInstance, task_uuids: Iterable[str], completed: bool,
                now: datetime) -> None:
    uuids = list(task_uuids)
    session.execute(update(OverdueRecord).where(OverdueRecord.task_uuid.in_(uuids),
                                                OverdueRecord.resolved_at.is_(None)).values(resolved_at=now))
    if not completed:
        return
    session.execute(update(OverdueRecord).where(
        OverdueRecord.family == instance.family, OverdueRecord.subject_id == instance.subject_id,
        OverdueRecord.resolved_at.is_(None)).values(resolved_at=now))
    fam = families.find(instance.family)
    subject = session.get(fam.model, instance.subject_id) if fam else None
    if subject is not None:
        subject.next_alert_at = None
