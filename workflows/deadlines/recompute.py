"""Moving a subject's deadline (extension, resumption, recomputation): its open steps follow, the ladder is
re-armed and the colour re-evaluated. Provisional deadlines of every family are recomputed when the calendar
of a year becomes known; an administrator recomputes open subjects after a rule change, after a preview."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from models.deadlines import ClockEvent
from models.engine import WorkItem
from models.org import User
from workflows import audit, families, subjects
from workflows.calendar import Deadline, local_day
from workflows.deadlines import compute, ladder
from workflows.deadlines.rules import load_book
from workflows.families import Family

BASIS_LABELS = {"rule": "按规则", "given": "指定期限", "extended": "已延期", "adjusted": "挂起顺延"}


def open_steps(session: Session, fam: Family, subject: Any) -> list[WorkItem]:
    return list(session.scalars(select(WorkItem).where(WorkItem.family == fam.name,
                                                       WorkItem.subject_id == subject.id).order_by(WorkItem.id)))


def refresh_steps(ctx: ladder.Context, fam: Family, subject: Any) -> int:
    """Recompute the due time of every open step of the subject; returns how many changed."""
    book = ctx.book(fam, subject)
    changed = 0
    for work in open_steps(ctx.session, fam, subject):
        due = compute.step_due(ctx.calendar, book, fam, subject, work.step, work.started_at)
        new = (due.due_at, due.provisional) if due else (None, False)
        if new != (work.due_at, work.due_provisional):
            if new[0] != work.due_at:
                work.alert_stage = 0
            work.due_at, work.due_provisional = new
            changed += 1
        ladder.arm_work(ctx, work)
    return changed


def apply_deadline(ctx: ladder.Context, fam: Family, subject: Any, due: Deadline, now: datetime,
                   basis: str | None = None, refresh: bool = True) -> bool:
    """Set the subject's deadline, refresh its steps, re-arm the ladder and its colour; True when it moved."""
    moved = due.due_at != subject.deadline_at
    subject.deadline_at, subject.deadline_provisional = due.due_at, due.provisional
    if basis:
        subject.deadline_basis = basis
    if subject.base_deadline_at is None:
        subject.base_deadline_at = due.due_at
    if moved:
        subject.alert_stage = 0
    if refresh:
        refresh_steps(ctx, fam, subject)
    ladder.arm_subject(ctx, fam, subject)
    ladder.update_level(ctx, fam, subject, now)
    ctx.session.flush()
    return moved


def _recomputed(ctx: ladder.Context, fam: Family, subject: Any) -> Deadline | None:
    if subject.deadline_at is None:
        return None
    if subject.deadline_basis == "rule":
        return compute.subject_deadline(ctx.calendar, ctx.book(fam, subject), fam, subject)
    return Deadline(subject.deadline_at, ctx.calendar.is_provisional_day(local_day(subject.deadline_at)))


def _record(session: Session, fam: Family, subject: Any, old: datetime | None, new: Deadline, now: datetime,
            note: str, actor: User | None = None) -> None:
    session.add(ClockEvent(family=fam.name, subject_id=subject.id, kind="recomputed", at=now,
                           actor_id=actor.id if actor else None, old_deadline_at=old, new_deadline_at=new.due_at,
                           note=note))
    audit.record(session, actor=actor, now=now, family=fam.name, subject_id=subject.id,
                 action="deadline_recomputed", summary=note,
                 details={"old": old.isoformat() if old else None, "new": new.due_at.isoformat(),
                          "provisional": new.provisional})


def _recompute_subject(ctx: ladder.Context, fam: Family, subject: Any, now: datetime) -> bool:
    old = (subject.deadline_at, subject.deadline_provisional)
    due = _recomputed(ctx, fam, subject)
    steps = refresh_steps(ctx, fam, subject)
    if due is None or (due.due_at, due.provisional) == old:
        if steps:
            subjects.project(ctx.session, fam, subject, now)
        return steps > 0
    apply_deadline(ctx, fam, subject, due, now, refresh=False)
    _record(ctx.session, fam, subject, old[0], due, now, "工作日历更新，重新计算办理期限")
    return True


def recompute_provisional(session: Session, now: datetime) -> int:
    """Recompute every open subject of every family whose deadline or an open step's due time is provisional."""
    ctx = ladder.Context(session)
    count = 0
    for fam in families.all_families():
        model = fam.model
        provisional_steps = select(WorkItem.subject_id).where(WorkItem.family == fam.name,
                                                              WorkItem.due_provisional.is_(True))
        found = session.scalars(select(model).where(model.status == "open", or_(
            model.deadline_provisional.is_(True), model.id.in_(provisional_steps))).order_by(model.id))
        for subject in list(found):
            count += _recompute_subject(ctx, fam, subject, now)
    session.flush()
    return count


@dataclass
class Change:
    """One open subject in a recompute preview: its deadline now, by the current rules, and whether it moves."""

    subject: Any
    number: str
    title: str
    basis: str
    old: datetime | None
    new: Deadline | None

    @property
    def moves(self) -> bool:
        return self.new is not None and self.new.due_at != self.old


def preview(session: Session, family: str, kind: int | None, now: datetime, limit: int = 2000) -> list[Change]:
    """Open subjects of the family (and kind) with their deadline by the rules in force now; saves nothing.
    Deadlines named by the instructing body, extended or shifted by a suspension keep their date."""
    fam = families.get(family)
    ctx = ladder.Context(session)
    book = load_book(session, family, now)
    query = select(fam.model).where(fam.model.status == "open").order_by(fam.model.id).limit(limit)
    changes = []
    for subject in session.scalars(query):
        if kind not in (None, fam.kind_of(subject)):
            continue
        new = (compute.subject_deadline(ctx.calendar, book, fam, subject)
               if subject.deadline_basis == "rule" and subject.deadline_at is not None else None)
        number, title = fam.label_of(subject)
        changes.append(Change(subject, number, title, subject.deadline_basis, subject.deadline_at, new))
    return changes


def apply_rules(session: Session, *, actor: User, now: datetime, family: str, kind: int | None,
                subject_ids: set[int]) -> int:
    """Move the chosen subjects of a preview onto the rules in force now (audited per subject)."""
    fam = families.get(family)
    ctx = ladder.Context(session)
    moved = 0
    for change in preview(session, family, kind, now):
        if change.subject.id not in subject_ids or not change.moves:
            continue
        subject = families.lock(session, family, change.subject.id)
        subject.clock_rules_at = now
        apply_deadline(ctx, fam, subject, change.new, now)
        _record(session, fam, subject, change.old, change.new, now, "时限规则调整，管理员重新计算办理期限", actor)
        moved += 1
    return moved
