"""Who sees and runs what in routine supervision.

- Leaders, the coordination section and the inspection section (督察科) see every round of every level.
- Another section sees the bureau rounds it owns. A squad's inspection lead, inspectors and leader see that
  squad's own (三级督察) rounds. A reviewer sees the rounds they review — a guest reviewer nothing else, and only
  while their account lasts.
- A finding (整改) is seen by those who see its round and by its squad.
"""

from __future__ import annotations

from sqlalchemy import Select, false, or_, select
from sqlalchemy.orm import object_session

from models.inspections import Finding, InspectionRound, RoundReviewer
from models.org import Role, User

SEES_ALL = {Role.COORDINATOR, Role.LEADER}
SQUAD_ROLES = {Role.SQUAD_LEADER, Role.SQUAD_MEMBER}
SQUAD_SUPERVISION = {Role.INSPECTION_LEAD, Role.SQUAD_INSPECTOR, Role.SQUAD_LEADER}
INSPECTION_SECTION = "inspection"
MAY_EDIT = {Role.COORDINATOR, Role.SECTION_OFFICER, Role.SYSTEM_ADMIN}


def sees_every_level(user: User) -> bool:
    """督察科 sees bureau, section and squad level alike (as do leaders and the coordination section)."""
    if user.has(*SEES_ALL):
        return True
    return user.has(Role.SECTION_OFFICER) and user.section is not None and user.section.code == INSPECTION_SECTION


def may_edit_templates(user: User) -> bool:
    return user.has(*MAY_EDIT)


def may_open_bureau_round(user: User) -> bool:
    return user.has(Role.COORDINATOR, Role.SECTION_OFFICER)


def is_squad_inspector(user: User) -> bool:
    return user.squad_id is not None and user.has(Role.SQUAD_INSPECTOR, Role.INSPECTION_LEAD)


def is_guest(user: User) -> bool:
    return user.has(Role.GUEST_REVIEWER)


def reviews(user: User, rnd: InspectionRound) -> bool:
    session = object_session(rnd)
    return session is not None and session.scalar(select(RoundReviewer.id).where(
        RoundReviewer.round_id == rnd.id, RoundReviewer.user_id == user.id)) is not None


def can_view_round(user: User, rnd: InspectionRound) -> bool:
    if is_guest(user):
        return user.active and reviews(user, rnd)
    if sees_every_level(user):
        return True
    if rnd.tier == "squad":
        return user.has(*SQUAD_SUPERVISION) and user.squad_id == rnd.squad_id
    if user.has(Role.SECTION_OFFICER) and user.section_id == rnd.owner_section_id:
        return True
    return reviews(user, rnd)


def round_scope(user: User, query: Select) -> Select:
    reviewer = InspectionRound.id.in_(select(RoundReviewer.round_id).where(RoundReviewer.user_id == user.id))
    if is_guest(user):
        return query.where(reviewer) if user.active else query.where(false())
    if sees_every_level(user):
        return query
    allowed = [reviewer]
    if user.has(*SQUAD_SUPERVISION) and user.squad_id:
        allowed.append((InspectionRound.tier == "squad") & (InspectionRound.squad_id == user.squad_id))
    if user.has(Role.SECTION_OFFICER) and user.section_id:
        allowed.append((InspectionRound.tier == "bureau") & (InspectionRound.owner_section_id == user.section_id))
    return query.where(or_(*allowed))


def can_view_finding(user: User, finding: Finding) -> bool:
    if finding.status in ("draft", "dismissed"):  # not yet (or never) the squad's: those who see the round
        return can_view_round(user, finding.round)
    if is_guest(user):
        return False
    if user.has(*SQUAD_ROLES, *SQUAD_SUPERVISION) and user.squad_id == finding.squad_id:
        return True
    return can_view_round(user, finding.round)


def finding_scope(user: User, query: Select) -> Select:
    """Confirmed findings the user may see (joins nothing: a subquery of visible rounds)."""
    query = query.where(Finding.status.not_in(("draft", "dismissed")))
    if is_guest(user):
        return query.where(false())
    if sees_every_level(user):
        return query
    rounds = round_scope(user, select(InspectionRound.id))
    own = Finding.squad_id == user.squad_id if user.squad_id else false()
    return query.where(or_(own, Finding.round_id.in_(rounds)))
