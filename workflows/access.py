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
    if user.has(*SEES_ALL):
        return query
    if user.has(*SQUAD_ROLES):
        return query.where(SupervisedItem.lead_squad_id == user.squad_id)
    return query.where(false())


def can_view_item(user: User, item: SupervisedItem) -> bool:
    if user.has(*SEES_ALL):
        return True
    return user.has(*SQUAD_ROLES) and item.lead_squad_id is not None and item.lead_squad_id == user.squad_id


def can_act(user: User, work: WorkItem) -> bool:
    """May the user complete this open step? Holders, or the unit when unclaimed; squad leaders always."""
    if not user.has(*GROUP_ROLES.get(work.step_group, set())):
        return False
    if work.step_group == "squad":
        if work.squad_id != user.squad_id:
            return False
        return user.has(Role.SQUAD_LEADER) or work.assignee_id in (None, user.id)
    if work.step_group == "section" and work.section_id != user.section_id:
        return False
    return work.assignee_id in (None, user.id)


def my_work_query(user: User) -> Select:
    """Open steps the user holds or may claim, soonest deadline first."""
    query = select(WorkItem)
    group = [g for g, roles in GROUP_ROLES.items() if user.has(*roles)]
    if not group:
        return query.where(false())
    query = query.where(WorkItem.step_group.in_(group))
    if user.has(*SQUAD_ROLES):
        query = query.where(WorkItem.squad_id == user.squad_id)
        if user.has(Role.SQUAD_MEMBER):
            query = query.where(or_(WorkItem.assignee_id.is_(None), WorkItem.assignee_id == user.id))
    elif user.has(Role.SECTION_OFFICER):
        query = query.where(WorkItem.section_id == user.section_id,
                            or_(WorkItem.assignee_id.is_(None), WorkItem.assignee_id == user.id))
    else:
        query = query.where(or_(WorkItem.assignee_id.is_(None), WorkItem.assignee_id == user.id))
    return query.order_by(WorkItem.due_at.is_(None), WorkItem.due_at, WorkItem.id)
