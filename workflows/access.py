"""Who may see what and who may act on which open step (scope rules, one place)."""

from __future__ import annotations

from sqlalchemy import Select, false, or_, select

from models.engine import WorkItem
from models.items import SupervisedItem
from models.org import Role, User

SEES_ALL = {Role.COORDINATOR, Role.LEADER}
SQUAD_ROLES = {Role.SQUAD_LEADER, Role.SQUAD_MEMBER}
GROUP_ROLES = {
    "coordination": {Role.COORDINATOR}, "leader": {Role.LEADER}, "squad": SQUAD_ROLES,
    "section": {Role.SECTION_OFFICER},  # a section named by work_item.section_id (legal, inspection)
}


def item_scope(user: User, query: Select) -> Select:
    """Restrict a query over SupervisedItem to what the user may see."""
    if user.role in SEES_ALL:
        return query
    if user.role in SQUAD_ROLES:
        return query.where(SupervisedItem.lead_squad_id == user.squad_id)
    return query.where(false())


def can_view_item(user: User, item: SupervisedItem) -> bool:
    if user.role in SEES_ALL:
        return True
    return user.role in SQUAD_ROLES and item.lead_squad_id is not None and item.lead_squad_id == user.squad_id


def can_act(user: User, work: WorkItem) -> bool:
    """May the user complete this open step? Holders, or the unit when unclaimed; squad leaders always."""
    if user.role not in GROUP_ROLES.get(work.step_group, set()):
        return False
    if work.step_group == "squad":
        if work.squad_id != user.squad_id:
            return False
        return user.role == Role.SQUAD_LEADER or work.assignee_id in (None, user.id)
    if work.step_group == "section" and work.section_id != user.section_id:
        return False
    return work.assignee_id in (None, user.id)


def my_work_query(user: User) -> Select:
    """Open steps the user holds or may claim, soonest deadline first."""
    query = select(WorkItem)
    group = [g for g, roles in GROUP_ROLES.items() if user.role in roles]
    if not group:
        return query.where(false())
    query = query.where(WorkItem.step_group.in_(group))
    if user.role in SQUAD_ROLES:
        query = query.where(WorkItem.squad_id == user.squad_id)
        if user.role == Role.SQUAD_MEMBER:
            query = query.where(or_(WorkItem.assignee_id.is_(None), WorkItem.assignee_id == user.id))
    elif user.role == Role.SECTION_OFFICER:
        query = query.where(WorkItem.section_id == user.section_id,
                            or_(WorkItem.assignee_id.is_(None), WorkItem.assignee_id == user.id))
    else:
        query = query.where(or_(WorkItem.assignee_id.is_(None), WorkItem.assignee_id == user.id))
    return query.order_by(WorkItem.due_at.is_(None), WorkItem.due_at, WorkItem.id)
