"""督办函: numbered per year under a locked counter row, in the same transaction as the letter."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from models.cases import CasePoint, MajorCase, PointCheck, SupervisionLetter
from models.org import User
from workflows import numbering
from workflows.calendar import local_day

ISSUER = "长宁区城市管理行政执法局"
PREFIX = "长城管督"


def letter_number(year: int, seq: int) -> str:
    return f"{PREFIX}〔{year}〕{seq}号"


def next_seq(session: Session, year: int) -> int:
    """Take the next letter number of the year (the shared counter: never duplicated, a rollback gives it back)."""
    return numbering.next_seq(session, "letter", year)


def findings_text(points: list[PointCheck]) -> str:
    order = list(CasePoint)
    problems = sorted((p for p in points if p.result == "problem"), key=lambda p: order.index(CasePoint(p.point)))
    if not problems:
        return "经审查，受理立案、违法行为认定、法律适用、办理程序、处罚及移送均符合规定。"
    return "\n".join(f"{i}. {p.point_label}：{p.note}" for i, p in enumerate(problems, 1))


def issue(
    session: Session, *, actor: User, now: datetime, case: MajorCase, points: list[PointCheck]
) -> SupervisionLetter:
    """Number and store the letter (the caller writes the audit entry and commits)."""
    issued_on = local_day(now)
    seq = next_seq(session, issued_on.year)
    letter = SupervisionLetter(
        case_id=case.id, year=issued_on.year, seq=seq, number=letter_number(issued_on.year, seq), issuer=ISSUER,
        recipient=case.squad.name, matters=case.matters or f"关于“{case.title}”案件的办理情况",
        findings=findings_text(points), deadline_at=case.deadline_at, issued_on=issued_on,
        issued_by_id=actor.id, issued_at=now,
    )
    session.add(letter)
    session.flush()
    return letter
