"""Monthly figures per squad and per officer: supervisions, problems found by point, referrals, outcomes."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.cases import MajorCase, PointCheck
from models.org import Squad, User
from models.referrals import AccountabilityReferral
from workflows.calendar import LOCAL_TZ


@dataclass
class Row:
    cases: int = 0
    problems: dict[str, int] = field(default_factory=dict)
    referrals: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (self.cases or self.problems or self.referrals or self.outcomes)


@dataclass
class MonthFigures:
    start: datetime
    end: datetime
    squads: list[tuple[Squad, Row]]
    officers: list[tuple[User, Row]]


def month_range(year: int, month: int) -> tuple[datetime, datetime]:
    """The month's bounds in Shanghai time, as UTC moments."""
    start = datetime(year, month, 1, tzinfo=LOCAL_TZ)
    end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=LOCAL_TZ)
    return start.astimezone(UTC), end.astimezone(UTC)


def _count(session: Session, key, column, start: datetime, end: datetime, *extra) -> dict:
    query = select(key, func.count()).where(column >= start, column < end, key.is_not(None), *extra).group_by(key)
    return dict(session.execute(query).all())


def _pairs(session: Session, key, second, column, start, end, *where, join=None) -> dict:
    query = select(key, second, func.count()).where(column >= start, column < end, key.is_not(None), *where)
    if join is not None:
        query = query.join(*join)
    found: dict = defaultdict(dict)
    for k, s, n in session.execute(query.group_by(key, second)):
        found[k][s] = n
    return found


def _rows(session: Session, case_key, referral_key, start: datetime, end: datetime) -> dict[int, Row]:
    R = AccountabilityReferral
    cases = _count(session, case_key, MajorCase.registered_at, start, end)
    problems = _pairs(session, case_key, PointCheck.point, PointCheck.checked_at, start, end,
                      PointCheck.result == "problem", join=(MajorCase, MajorCase.id == PointCheck.case_id))
    referrals = _count(session, referral_key, R.referred_at, start, end)
    outcomes = _pairs(session, referral_key, R.outcome, R.closed_at, start, end, R.status == "closed")
    rows: dict[int, Row] = defaultdict(Row)
    for key, n in cases.items():
        rows[key].cases = n
    for key, by_point in problems.items():
        rows[key].problems = by_point
    for key, n in referrals.items():
        rows[key].referrals = n
    for key, by_outcome in outcomes.items():
        rows[key].outcomes = by_outcome
    return rows


def month(session: Session, year: int, month_no: int) -> MonthFigures:
    start, end = month_range(year, month_no)
    by_squad = _rows(session, MajorCase.squad_id, AccountabilityReferral.target_squad_id, start, end)
    by_officer = _rows(session, MajorCase.handler_id, AccountabilityReferral.target_user_id, start, end)
    squads = [(s, by_squad.get(s.id, Row())) for s in session.scalars(select(Squad).order_by(Squad.id))]
    users = session.scalars(select(User).where(User.id.in_(by_officer.keys())).order_by(User.squad_id, User.name))
    return MonthFigures(start, end, squads, [(u, by_officer[u.id]) for u in users])
