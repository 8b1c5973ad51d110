"""签收 / 取消签收: a member of the unit takes an open step (it then appears only in their 待办), or gives it
back to the unit."""

from __future__ import annotations

from datetime import datetime

from models.engine import WorkItem
from models.org import User
from workflows import audit, families, notifications
from workflows.access import in_unit, leads_unit
from workflows.errors import Conflict, NotFound, PermissionDenied

GONE = "该环节已办理完毕或已撤销，请刷新页面"


def locked_work(session, work_id: int) -> WorkItem:
    """The open step, locked in the global order (its subject first); NotFound when it is gone."""
    work = families.lock_work(session, work_id)
    if work is None:
        raise NotFound(GONE)
    return work


def claim(session, *, actor: User, now: datetime, work_id: int) -> WorkItem:
    work = locked_work(session, work_id)
    if not in_unit(actor, work):
        raise PermissionDenied("该环节不由您办理")
    if work.assignee_id not in (None, actor.id):
        raise Conflict("该环节已被他人签收")
    if work.owner_id is not None:
        raise Conflict("该环节已委派他人办理")
    work.assignee_id, work.claimed_at = actor.id, now
    audit.record(session, actor=actor, now=now, family=work.family, subject_id=work.subject_id,
                 action="claim", step=work.step, summary=f"签收环节“{work.step_name}”")
    return work


def unclaim(session, *, actor: User, now: datetime, work_id: int) -> WorkItem:
    """Give a claimed step back to its unit (its holder, or the unit's leader)."""
    work = locked_work(session, work_id)
    if work.assignee_id is None:
        raise Conflict("该环节尚未签收")
    if work.assignee_id != actor.id and not leads_unit(actor, work):
        raise PermissionDenied("只能取消自己签收的环节")
    if work.owner_id is not None:
        raise Conflict("该环节在委派中，请先收回委派")
    if work.draft:
        raise Conflict("该环节已有受托人提交的办理意见，请直接办理或重新委派")
    previous = work.assignee_id
    work.assignee_id, work.claimed_at = None, None
    audit.record(session, actor=actor, now=now, family=work.family, subject_id=work.subject_id, action="unclaim",
                 step=work.step, summary=f"取消签收环节“{work.step_name}”，退回本单位待签收",
                 details={"previous_assignee_id": previous})
    others = [uid for uid in notifications.holders(session, work) if uid != actor.id]
    notifications.notify(session, key=f"unclaimed:{work.task_uuid}:{now.isoformat()}", user_ids=others,
                         kind="assigned", title=f"{work.subject_number}「{work.step_name}」已退回待签收",
                         body=work.subject_title, now=now, family=work.family, subject_id=work.subject_id,
                         task_uuid=work.task_uuid)
    return work


def unit_members(session, work: WorkItem) -> list[User]:
    """The active members of the unit that holds the step (the choices for transfer and delegation)."""
    from sqlalchemy import select

    from models.org import UserRole
    from workflows.access import GROUP_ROLES

    query = (select(User).join(UserRole, UserRole.user_id == User.id).distinct()
             .where(User.active.is_(True), UserRole.role.in_(list(GROUP_ROLES.get(work.step_group, ())))))
    if work.step_group == "squad":
        query = query.where(User.squad_id == work.squad_id)
    elif work.step_group == "section":
        query = query.where(User.section_id == work.section_id)
    return list(session.scalars(query.order_by(User.name, User.id)))


def colleague(session, work: WorkItem, user_id: int | None, field: str = "user_id") -> User:
    """An active member of the unit that holds the step (for transfer and delegation)."""
    from workflows.errors import InvalidInput

    user = session.get(User, user_id) if user_id else None
    if user is None or not user.active or not in_unit(user, work):
        raise InvalidInput("请选择本单位在岗人员", field)
    return user
