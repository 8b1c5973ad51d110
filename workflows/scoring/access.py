"""Who sees which score lines and records: leaders, 协调科 and 督察科 see every squad and person; a squad leader
their squad (and its members' records); a squad member only their own lines and record. Anything else is
out of scope and answers NotFound, exactly like an unknown id."""

from __future__ import annotations

from sqlalchemy import false, or_

from models.org import Role, User
from models.scores import ScoreEntry

INSPECTION = "inspection"  # 督察科


def is_inspection(user: User) -> bool:
    return user.has(Role.SECTION_OFFICER) and user.section is not None and user.section.code == INSPECTION


def sees_all(user: User) -> bool:
    return user.has(Role.LEADER, Role.COORDINATOR) or is_inspection(user)


def may_decide_appeals(user: User) -> bool:
    """督察科 or 协调科 decide an appeal."""
    return user.has(Role.COORDINATOR) or is_inspection(user)


def entry_scope(user: User):
    """A WHERE clause for the ledger lines the user may see."""
    if sees_all(user):
        return ScoreEntry.id.is_not(None)
    clauses = []
    if user.has(Role.SQUAD_LEADER) and user.squad_id is not None:
        clauses.append(ScoreEntry.squad_id == user.squad_id)
    if user.has(Role.SQUAD_LEADER, Role.SQUAD_MEMBER):
        clauses.append(ScoreEntry.person_id == user.id)
    return or_(*clauses) if clauses else false()


def can_see_entry(user: User, entry: ScoreEntry) -> bool:
    if sees_all(user):
        return True
    if user.has(Role.SQUAD_LEADER) and entry.squad_id is not None and entry.squad_id == user.squad_id:
        return True
    return entry.person_id == user.id and user.has(Role.SQUAD_LEADER, Role.SQUAD_MEMBER)


def can_see_record(user: User, person: User) -> bool:
    """个人执法档案: the person, their squad leader, 督察科 and the leaders."""
    if user.id == person.id:
        return True
    if user.has(Role.LEADER) or is_inspection(user):
        return True
    return user.has(Role.SQUAD_LEADER) and person.squad_id is not None and user.squad_id == person.squad_id


def can_see_squad(user: User, squad_id: int) -> bool:
    return sees_all(user) or (user.has(Role.SQUAD_LEADER, Role.SQUAD_MEMBER) and user.squad_id == squad_id)
