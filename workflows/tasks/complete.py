"""Completing an open step of any family: the family's handler says what the values mean, the engine advances,
and open work, the clock and the projection follow — all in the caller's transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from models.engine import ProcessInstance, ProcessVersion, WorkItem
from models.org import User
from workflows import audit, families, steps, txcache
from workflows.access import can_act, can_complete
from workflows.errors import Conflict, PermissionDenied
from workflows.tasks import assignments, cosquads, lifecycle, snapshot
from workflows.tasks.access import can_view, visible


def work_for(session: Session, actor: User, family: str, subject_id: int, task_uuid: str) -> WorkItem:
    """The open step behind a submitted form, if the actor may work on it."""
    work = steps.find_work(session, family, subject_id, task_uuid)
    if not can_act(actor, work):
        raise PermissionDenied("该环节不由您办理")
    return work


def _lock_step(session: Session, actor: User, family: str, subject_id: int, task_uuid: str):
    """Lock the subject, find the open step, lock its instance (in the lock order: subject, then instance) and
    read the settings stamp: ONE statement (the audit chain head comes with the audit counter, see
    `audit.subject_locked`). When it finds nothing, the
    separate lookups answer exactly as before (NotFound out of scope, Conflict for a step already done)."""
    fam = families.find(family)
    model = fam.model if fam is not None else None
    row = None
    if model is not None:
        row = session.execute(
            select(model, WorkItem, ProcessInstance, ProcessVersion.sha256, txcache.stamp_column())
            .join(WorkItem, and_(WorkItem.task_uuid == task_uuid, WorkItem.family == family,
                                 WorkItem.subject_id == model.id))
            .join(ProcessInstance, ProcessInstance.id == WorkItem.instance_id)
            .join(ProcessVersion, ProcessVersion.id == ProcessInstance.version_id)
            .where(model.id == subject_id)
            .with_for_update(of=[model, ProcessInstance])
            .execution_options(populate_existing=True)).first()
    if row is None or not can_view(session, actor, fam, row[0]):
        fam, subject = visible(session, actor, family, subject_id, lock=True)
        work, locked = steps.find_work_and_lock(session, family, subject.id, task_uuid)
        return fam, subject, work, locked
    subject, work, instance, sha256, token = row
    txcache.prime_stamp(session, token)
    audit.subject_locked(session, family, subject.id)
    return fam, subject, work, (instance, sha256)


def complete(session: Session, *, actor: User, now: datetime, family: str, subject_id: int, task_uuid: str,
             values: dict) -> Any:
    """Complete one open step; a second completion of the same step gets Conflict, never a lost update.

    The hot path of the whole system: lock the subject, then find the step and lock its instance in one
    statement; after the handler, nothing is flushed until the end, so each row is written once."""
    fam, subject, work, locked = _lock_step(session, actor, family, subject_id, task_uuid)
    if not can_act(actor, work):
        raise PermissionDenied("该环节不由您办理")
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
    if work.step == fam.refer_step:  # the process may call the accountability referral here
        from workflows.referrals import called

        outcome.engine_data.update(called.at_step(session, actor=actor, now=now, fam=fam, subject=subject,
                                                  values=values, instance_id=subject.instance_id))
    if work.step == fam.assign_step:
        cosquads.at_assign(session, fam, subject, values, outcome, actor, now)
    assignments.record(session, fam, subject, from_squad_id=lead_before, actor=actor, now=now)
    outcome.details["restore"] = snapshot.changes(before, subject)
    with session.no_autoflush:
        instance, snap = steps.advance(session, now=now, instance_id=subject.instance_id, work=work,
                                       outcome=outcome, locked=locked, flush=False)
        if work.step == fam.refer_step:
            from workflows.referrals import called

            called.check_called(snap, outcome.engine_data)
        lifecycle.after_advance(session, fam, subject, instance, snap, now, opened_by=work.task_uuid)
        try:
            steps.record_completion(session, actor=actor, now=now, work=work, outcome=outcome)  # flushes all
        except StaleDataError as exc:
            raise Conflict(steps.LOST_RACE) from exc
    return subject
