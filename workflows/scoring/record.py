"""个人执法档案: one person's record for 平时考核, promotion and commendation — month by month, the subjects they
handled closed on time and late, their returns, findings, referrals and commendations, and their points."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from models.org import User
from models.scores import Commendation, ScoreEntry
from models.subjects import Subject
from workflows.errors import NotFound
from workflows.petitions import months
from workflows.scoring import access

COUNTED = {"returns": ("step_returned",), "findings": ("finding",), "referrals": ("referral_upheld",),
           "overdue": ("overdue_open", "step_overdue"), "orders": ("order_red", "order_late")}


@dataclass
class MonthLine:
    month: str
    on_time: int = 0
    late: int = 0
    returns: int = 0
    findings: int = 0
    referrals: int = 0
    overdue: int = 0
    orders: int = 0
    points: Decimal = Decimal(0)


@dataclass
class Record:
    person: User
    year: int
    lines: list[MonthLine]
    commendations: list[Commendation] = field(default_factory=list)

    @property
    def total(self) -> MonthLine:
        total = MonthLine("合计")
        for line in self.lines:
            for name in ("on_time", "late", "returns", "findings", "referrals", "overdue", "orders", "points"):
                setattr(total, name, getattr(total, name) + getattr(line, name))
        return total


def _closures(session: Session, person_id: int, start, end) -> list[tuple[str, bool]]:
    query = select(Subject.closed_at, Subject.deadline_at).where(
        Subject.handler_id == person_id, Subject.closed_at >= start, Subject.closed_at < end)
    return [(months.of(closed), deadline is None or closed <= deadline) for closed, deadline in session.execute(query)]


def person_record(session: Session, *, viewer: User, person_id: int, year: int) -> Record:
    person = session.get(User, person_id)
    if person is None or not access.can_see_record(viewer, person):
        raise NotFound("人员不存在")
    year_months = [f"{year}-{m:02d}" for m in range(1, 13)]
    lines = {m: MonthLine(m) for m in year_months}
    start, end = months.bounds(year_months[0])[0], months.bounds(year_months[-1])[1]
    for month, on_time in _closures(session, person.id, start, end):
        line = lines[month]
        line.on_time, line.late = line.on_time + on_time, line.late + (not on_time)
    rows = session.execute(select(ScoreEntry.month, ScoreEntry.code, func.count(), func.sum(ScoreEntry.person_points))
                           .where(ScoreEntry.person_id == person.id, ScoreEntry.month.in_(year_months),
                                  ScoreEntry.status == "counted")
                           .group_by(ScoreEntry.month, ScoreEntry.code))
    for month, code, count, points in rows:
        line = lines[month]
        line.points += Decimal(points or 0)
        for name, codes in COUNTED.items():
            if code in codes:
                setattr(line, name, getattr(line, name) + count)
    awards = list(session.scalars(select(Commendation).where(
        and_(Commendation.person_id == person.id, Commendation.year == year)).order_by(Commendation.id)))
    return Record(person, year, list(lines.values()), awards)
