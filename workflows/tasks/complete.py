"""Completing an open step of any family: the family's handler says what the values mean, the engine advances,
and open work, the clock and the projection follow — all in the caller's transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from models.engine import WorkItem
from models.org import User
from workflows import steps
from workflows.access import can_act, can_complete
from workflows.errors import PermissionDenied
from workflows.tasks import assignments, cosquads, lifecycle, snapshot
from workflows.tasks.access import visible


def work_for(session: Session, actor: User, family: str, subject_id: int, task_uuid: str) -> WorkItem:
    """The open step behind a submitted form, if the actor may work on it."""
    work = steps.find_work(session, family, subject_id, task_uuid)
    if not can_act(actor, work):
        raise PermissionDenied("该环节不由您办理")
    return work


def complete(session: Session, *, actor: User, now: datetime, family: str, subject_id: int, task_uuid: str,
             values: dict) -> Any:
    """Complete one open step; a second completion of the same step gets Conflict, never a lost update."""
    fam, subject = visible(session, actor, family, subject_id, lock=True)
    work = work_for(session, actor, family, subject.id, task_uuid)
    if not fam.may_act(actor, subject):
        raise PermissionDenied("您是该事项的当事人，不能办理")
    if not can_complete(actor, work):
        raise PermissionDenied("该环节已委派他人办理，请等待受托人完成或收回委派后再办理")
    before = snapshot.columns(subject)
    lead_before = getattr(subject, fam.squad_field, None)
    if work.step == fam.reply_step:
        cosquads.require_contributions(session, fam, subject)
    handler = fam.handlers.get(work.step) or cosquads.HANDLERS[work.step]
    outcome = handler(steps.StepContext(session, actor, now, subject, values, work))
    if work.step == fam.assign_step:
        cosquads.at_assign(session, fam, subject, values, outcome, actor, now)
    assignments.record(session, fam, subject, from_squad_id=lead_before, actor=actor, now=now)
    outcome.details["restore"] = snapshot.changes(before, subject)
    instance, snap = steps.run_step(session, actor=actor, now=now, instance_id=subject.instance_id, work=work,
                                    outcome=outcome)
    lifecycle.after_advance(session, fam, subject, instance, snap, now, opened_by=work.task_uuid)
    session.flush()
    return subject
