"""Referral records are restricted: the coordination section, leaders and the responsible section see them;
a referred officer who could otherwise see one never learns who referred them while it is open, and never
handles their own referral."""

from __future__ import annotations

from sqlalchemy import Select, false

from models.engine import WorkItem
from models.org import Role, User
from models.referrals import AccountabilityReferral
from workflows.access import can_act

SEES_ALL = {Role.COORDINATOR, Role.LEADER}
MAY_REFER = {Role.COORDINATOR, Role.LEADER}


def can_refer(user: User) -> bool:
    return user.has(*MAY_REFER)


def referral_scope(user: User, query: Select) -> Select:
    if user.has(*SEES_ALL):
        return query
    if user.has(Role.SECTION_OFFICER):
        return query.where(AccountabilityReferral.section_id == user.section_id)
    return query.where(false())


def can_view_referral(user: User, referral: AccountabilityReferral) -> bool:
    if user.has(*SEES_ALL):
        return True
    return user.has(Role.SECTION_OFFICER) and referral.section_id == user.section_id


def is_referred(user: User, referral: AccountabilityReferral) -> bool:
    return referral.target_user_id == user.id


def shows_referrer(user: User, referral: AccountabilityReferral) -> bool:
    """The referred officer sees the referrer only once the referral is closed."""
    return not is_referred(user, referral) or referral.status == "closed"


def can_act_on_referral(user: User, referral: AccountabilityReferral, work: WorkItem) -> bool:
    return can_view_referral(user, referral) and not is_referred(user, referral) and can_act(user, work)
