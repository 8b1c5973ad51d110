"""Who may act on which open step, and whose open steps a user sees (one place for every family)."""

from __future__ import annotations

from sqlalchemy import Select, false, or_, select

from models.engine import WorkItem
from models.org import Role, User

SEES_ALL = {Role.COORDINATOR, Role.LEADER}
SQUAD_ROLES = {Role.SQUAD_LEADER, Role.SQUAD_MEMBER}
GROUP_ROLES = {
    "coordination": {Role.COORDINATOR}, "leader": {Role.LEADER}, "squad": SQUAD_ROLES,
    # a section named by work_item.section_id (legal, inspection; the coordination section owns some inspections)
    "section": {Role.SECTION_OFFICER, Role.COORDINATOR},
}
GROUP_LABELS = {"coordination": "协调科", "leader": "局领导", "squad": "承办中队", "section": "责任科室"}


def in_unit(user: User, work: WorkItem) -> bool:
    """Does the user belong to the unit that holds the step?"""
    if not user.has(*GROUP_ROLES.get(work.step_group, set())):
        return False
    if work.step_group == "squad":
        return work.squad_id == user.squad_id
    if work.step_group == "section":
        return work.section_id == user.section_id
    return True


def leads_unit(user: User, work: WorkItem) -> bool:
    """May the user hand the step to someone else of its unit? The squad leader for squad steps; anybody of the
    unit for the coordination section, the leaders and the sections."""
    if not in_unit(user, work):
        return False
    return work.step_group != "squad" or user.has(Role.SQUAD_LEADER)


def can_act(user: User, work: WorkItem) -> bool:
    """May the user work on this open step? Its holder, or anybody of its unit while unclaimed; a squad leader
    on every step of the squad."""
    if not in_unit(user, work):
        return False
    if work.step_group == "squad" and user.has(Role.SQUAD_LEADER):
        return True
    return work.assignee_id in (None, user.id)


def can_complete(user: User, work: WorkItem) -> bool:
    """Completing needs the step out of delegation: the delegate drafts, the owner confirms."""
    return work.owner_id is None and can_act(user, work)


def my_work_query(user: User) -> Select:
    """Open steps the user holds or may claim (including steps delegated to them), soonest deadline first."""
    query = select(WorkItem)
    group = [g for g, roles in GROUP_ROLES.items() if user.has(*roles)]
    if not group:
        return query.where(false())
    query = query.where(WorkItem.step_group.in_(group))
    if "section" in group:  # a section's steps only for the people of that section
        query = query.where(or_(WorkItem.step_group != "section", WorkItem.section_id == user.section_id))
    mine_or_open = or_(WorkItem.assignee_id.is_(None), WorkItem.assignee_id == user.id)
    if user.has(*SQUAD_ROLES):
        query = query.where(WorkItem.squad_id == user.squad_id)
        if not user.has(Role.SQUAD_LEADER):
            query = query.where(mine_or_open)
    elif user.has(Role.SECTION_OFFICER):
        query = query.where(WorkItem.section_id == user.section_id, mine_or_open)
    else:
        query = query.where(mine_or_open)
    return query.order_by(WorkItem.due_at.is_(None), WorkItem.due_at, WorkItem.id)
