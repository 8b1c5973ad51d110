"""转办 (hand a step to another member of its unit) and 委派 (delegate it: the delegate works on it and hands a
draft back; the owner confirms by completing the step, or delegates again to have it redone)."""

from __future__ import annotations

from datetime import datetime

from models.engine import WorkItem
from models.org import User
from workflows import audit, families, notifications
from workflows.access import can_act, leads_unit
from workflows.errors import Conflict, InvalidInput, PermissionDenied
from workflows.tasks import parts
from workflows.tasks.claim import colleague, locked_work

MAX_NOTE = 500


def _note(note: str | None) -> str:
    text = (note or "").strip()
    if len(text) > MAX_NOTE:
        raise InvalidInput(f"说明不能超过 {MAX_NOTE} 字", "note")
    return text


def transfer(session, *, actor: User, now: datetime, work_id: int, to_user_id: int | None,
             note: str = "") -> WorkItem:
    work = locked_work(session, work_id)
    if not (leads_unit(actor, work) or (work.assignee_id == actor.id and can_act(actor, work))):
        raise PermissionDenied("只有本单位负责人或当前办理人可以转办")
    target = colleague(session, work, to_user_id)
    if target.id == work.assignee_id:
        raise InvalidInput("该环节已由此人办理", "user_id")
    note = _note(note)
    work.assignee_id, work.claimed_at, work.owner_id, work.delegated_at = target.id, now, None, None
    fam = families.find(work.family)
    subject = session.get(fam.model, work.subject_id) if fam else None
    if work.step in parts.STEPS:  # a co-squad's handler of its part follows its work
        parts.follow_handler(session, work, target.id)
    elif work.step_group == "squad" and getattr(subject, "handler_id", None) is not None:
        subject.handler_id = target.id  # the squad's handler of the subject follows its work
    notifications.work_reassigned(session, work, now)
    audit.record(session, actor=actor, now=now, family=work.family, subject_id=work.subject_id, action="transfer",
                 step=work.step, summary=f"转办环节“{work.step_name}”给{target.name}", opinion=note,
                 details={"user_id": target.id})
    return work


def delegate(session, *, actor: User, now: datetime, work_id: int, to_user_id: int | None,
             note: str = "") -> WorkItem:
    """The holder (or the owner, to have the work redone) delegates the step to a colleague of the unit."""
    work = locked_work(session, work_id)
    owner = work.owner_id or actor.id
    if work.owner_id is not None and work.owner_id != actor.id:
        raise Conflict("该环节已委派，只有委派人可以重新委派")
    if work.owner_id is None and not (work.assignee_id in (None, actor.id) and can_act(actor, work)):
        raise PermissionDenied("只有该环节的办理人可以委派")
    target = colleague(session, work, to_user_id)
    if target.id == actor.id:
        raise InvalidInput("不能委派给自己", "user_id")
    note = _note(note)
    work.owner_id, work.assignee_id, work.delegated_at, work.claimed_at = owner, target.id, now, now
    audit.record(session, actor=actor, now=now, family=work.family, subject_id=work.subject_id, action="delegate",
                 step=work.step, summary=f"委派环节“{work.step_name}”给{target.name}办理", opinion=note,
                 details={"user_id": target.id})
    notifications.notify(session, key=f"delegated:{work.task_uuid}:{now.isoformat()}", user_ids=[target.id],
                         kind="assigned", title=f"{work.subject_number}「{work.step_name}」委派您办理",
                         body=note or work.subject_title, now=now, family=work.family, subject_id=work.subject_id,
                         task_uuid=work.task_uuid)
    return work


def resolve(session, *, actor: User, now: datetime, work_id: int, draft: dict, note: str = "") -> WorkItem:
    """The delegate hands the work back with a draft of the step's values; the owner confirms or redoes it."""
    work = locked_work(session, work_id)
    if work.owner_id is None or work.assignee_id != actor.id:
        raise PermissionDenied("只有受托人可以提交委派办理结果")
    note = _note(note)
    owner = work.owner_id
    work.draft = {**draft, "_by": actor.id, "_by_name": actor.name, "_note": note, "_at": now.isoformat()}
    work.assignee_id, work.owner_id = owner, None
    audit.record(session, actor=actor, now=now, family=work.family, subject_id=work.subject_id,
                 action="delegation_resolved", step=work.step,
                 summary=f"完成委派办理“{work.step_name}”，交回委派人确认", opinion=note)
    notifications.notify(session, key=f"resolved:{work.task_uuid}:{now.isoformat()}", user_ids=[owner],
                         kind="assigned", title=f"{work.subject_number}「{work.step_name}」受托人已办理，请确认",
                         body=note or work.subject_title, now=now, family=work.family, subject_id=work.subject_id,
                         task_uuid=work.task_uuid)
    return work


def recall(session, *, actor: User, now: datetime, work_id: int) -> WorkItem:
    """The owner takes a delegated step back before the delegate has finished."""
    work = locked_work(session, work_id)
    if work.owner_id != actor.id:
        raise PermissionDenied("只有委派人可以收回委派")
    delegate_id = work.assignee_id
    work.assignee_id, work.owner_id, work.delegated_at = actor.id, None, None
    audit.record(session, actor=actor, now=now, family=work.family, subject_id=work.subject_id,
                 action="delegation_recalled", step=work.step, summary=f"收回委派环节“{work.step_name}”",
                 details={"user_id": delegate_id})
    return work
