"""Who sees which major case: leaders and the coordination section all, the legal section all (it is
consulted on them), a squad its own cases."""

from __future__ import annotations

from sqlalchemy import Select, false

from models.cases import MajorCase
from models.org import Role, User

SEES_ALL = {Role.COORDINATOR, Role.LEADER}
SQUAD_ROLES = {Role.SQUAD_LEADER, Role.SQUAD_MEMBER}
LEGAL = "legal"


def _legal(user: User) -> bool:
    return user.has(Role.SECTION_OFFICER) and user.section is not None and user.section.code == LEGAL


def case_scope(user: User, query: Select) -> Select:
    if user.has(*SEES_ALL) or _legal(user):
        return query
    if user.has(*SQUAD_ROLES):
        return query.where(MajorCase.squad_id == user.squad_id)
    return query.where(false())


def can_view_case(user: User, case: MajorCase) -> bool:
    if user.has(*SEES_ALL) or _legal(user):
        return True
    return user.has(*SQUAD_ROLES) and case.squad_id == user.squad_id


def can_supervise(user: User) -> bool:
    return user.has(Role.COORDINATOR)
