"""Called by workflows.worklist.sync when steps open or close, with what the step already knows (the subject,
the rows, whether each was done before): assignment notifications, the ladder armed for new steps and the
subject, overdue evidence resolved when a step or the subject closes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import update

from models.deadlines import OverdueRecord
from models.engine import ProcessInstance, WorkItem
from workflows import families, notifications
from workflows.deadlines import ladder


def _subject(session, instance: ProcessInstance, subject: Any, fam: Any = None):
    if subject is not None:
        return fam or families.find(instance.family), subject
    fam = families.find(instance.family)
    return fam, (session.get(fam.model, instance.subject_id) if fam else None)


def work_added(session, instance: ProcessInstance, added: Sequence[tuple[WorkItem, Any]], now: datetime,
               subject: Any = None, fam: Any = None) -> None:
    """`added`: each new row (not yet flushed) with the engine's ReadyStep behind it."""
    notifications.work_added(session, added, now)
    ctx = ladder.Context(session)
    for work, _step in added:
        ladder.arm_work(ctx, work)
    fam, subject = _subject(session, instance, subject, fam)
    if subject is not None:
        ladder.arm_subject(ctx, fam, subject)


def work_closed(session, instance: ProcessInstance, closed: Sequence, completed: bool, now: datetime,
                subject: Any = None, fam: Any = None) -> None:
    """`closed`: (task_uuid, overdue_seen) of the deleted rows. Only a step that was overdue has evidence to
    resolve; when the subject closes, everything of it still open is resolved."""
    if completed:
        fam, subject = _subject(session, instance, subject, fam)
        family, subject_id = (fam.name, subject.id) if subject is not None else (instance.family,
                                                                                 instance.subject_id)
        session.execute(update(OverdueRecord).where(
            OverdueRecord.family == family, OverdueRecord.subject_id == subject_id,
            OverdueRecord.resolved_at.is_(None)).values(resolved_at=now))
        if subject is not None:
            subject.next_alert_at = None
        return
    overdue = [row.task_uuid for row in closed if row.overdue_seen]
    if overdue:
        session.execute(update(OverdueRecord).where(OverdueRecord.task_uuid.in_(overdue),
                                                    OverdueRecord.resolved_at.is_(None)).values(resolved_at=now))
