"""Moving a subject's deadline: its open steps follow, the ladder is re-armed and the process's timers are
re-armed through the clock_changed message. Also recomputes provisional deadlines when the calendar of a
year becomes known (package upgrade, overrides entered, year marked complete)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from models.deadlines import ClockEvent
from models.engine import WorkItem
from workflows import audit, engine
from workflows.calendar import Deadline, local_day
from workflows.deadlines import ladder, registry


def refresh_steps(ctx: ladder.Context, adapter: registry.FamilyClock, subject: Any) -> int:
    """Recompute the due time of every open step of the subject; returns how many changed."""
    book = ctx.book(adapter.family)
    changed = 0
    works = ctx.session.scalars(select(WorkItem).where(WorkItem.family == adapter.family,
                                                       WorkItem.subject_id == subject.id))
    for work in works:
        if work.step in ladder.notifications.ESCALATION_STEPS:
            continue
        due = adapter.step_due(ctx.calendar, book, subject, work.step, work.started_at)
        if (due.due_at, due.provisional) != (work.due_at, work.due_provisional):
            if due.due_at != work.due_at:
                work.alert_stage = 0
            work.due_at, work.due_provisional = due.due_at, due.provisional
            changed += 1
        ladder.arm_work(ctx, work)
    return changed


def rearm_process(session: Session, ctx: ladder.Context, adapter: registry.FamilyClock, subject: Any,
                  now: datetime) -> bool:
    """Tell the process its clock changed; False when nothing waits any more (e.g. after escalation)."""
    if subject.instance_id is None or subject.suspended_at is not None:
        return False
    payload = adapter.clock_payload(ctx.calendar, ctx.book(adapter.family), subject)
    return engine.send_message(session, subject.instance_id, "clock_changed", payload, now)


def apply_deadline(ctx: ladder.Context, adapter: registry.FamilyClock, subject: Any, due: Deadline,
                   now: datetime) -> bool:
    """Set the subject's deadline, refresh its steps, re-arm ladder and timers; True when the moment moved."""
    moved = due.due_at != subject.deadline_at
    subject.deadline_at, subject.deadline_provisional = due.due_at, due.provisional
    if moved:
        subject.alert_stage = 0
    refresh_steps(ctx, adapter, subject)
    ladder.arm_subject(ctx, adapter, subject)
    if moved:
        rearm_process(ctx.session, ctx, adapter, subject, now)
    ctx.session.flush()
    return moved


def _recomputed_deadline(ctx: ladder.Context, adapter: registry.FamilyClock, subject: Any) -> Deadline:
    if subject.deadline_basis == "rule":
        return adapter.rule_deadline(ctx.calendar, ctx.book(adapter.family), subject)
    day = local_day(subject.deadline_at)
    return Deadline(subject.deadline_at, ctx.calendar.is_provisional_day(day))


def _recompute_subject(ctx: ladder.Context, adapter: registry.FamilyClock, subject: Any, now: datetime) -> bool:
    old = (subject.deadline_at, subject.deadline_provisional)
    due = _recomputed_deadline(ctx, adapter, subject)
    steps = refresh_steps(ctx, adapter, subject)
    if (due.due_at, due.provisional) == old:
        return steps > 0
    apply_deadline(ctx, adapter, subject, due, now)
    ctx.session.add(ClockEvent(family=adapter.family, subject_id=subject.id, kind="recomputed", at=now,
                               old_deadline_at=old[0], new_deadline_at=due.due_at, note="工作日历更新，重新计算期限"))
    audit.record(ctx.session, actor=None, now=now, family=adapter.family, subject_id=subject.id,
                 action="deadline_recomputed", summary="工作日历更新，重新计算办理期限",
                 details={"old": old[0].isoformat(), "new": due.due_at.isoformat(), "provisional": due.provisional})
    return True


def recompute_provisional(session: Session, now: datetime) -> int:
    """Recompute every open subject whose deadline or an open step's due time is provisional."""
    ctx = ladder.Context(session)
    count = 0
    for adapter in registry.adapters():
        model = adapter.model
        provisional_steps = select(WorkItem.subject_id).where(WorkItem.family == adapter.family,
                                                              WorkItem.due_provisional.is_(True))
        subjects = session.scalars(select(model).where(model.status == "open", or_(
            model.deadline_provisional.is_(True), model.id.in_(provisional_steps))).order_by(model.id))
        for subject in list(subjects):
            count += _recompute_subject(ctx, adapter, subject, now)
    session.flush()
    return count
