"""Figures of routine supervision (pure queries; the caller gives the period): each round's progress, findings per
squad over months and per category, and the month's section of the bulletin."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from models.inspections import Finding, InspectionRound, RoundTarget
from models.org import Squad
from workflows.petitions import months

CONFIRMED = ("open", "closed")


@dataclass
class Progress:
    targets: int = 0
    reviewed: int = 0
    findings: int = 0  # confirmed
    drafts: int = 0
    closed: int = 0
    late: int = 0  # confirmed findings closed after, or still open past, their deadline
    returned: int = 0

    @property
    def open(self) -> int:
        return self.findings - self.closed


def progress(session: Session, round_ids: list[int], now: datetime) -> dict[int, Progress]:
    """Per round: targets reviewed, findings confirmed / closed / late / returned (two grouped queries)."""
    found = {i: Progress() for i in round_ids}
    if not round_ids:
        return found
    for rid, total, done in session.execute(select(
            RoundTarget.round_id, func.count(), func.count(RoundTarget.reviewed_at))
            .where(RoundTarget.round_id.in_(round_ids)).group_by(RoundTarget.round_id)):
        found[rid].targets, found[rid].reviewed = total, done
    late = case((Finding.closed_at > Finding.deadline_at, 1),
                ((Finding.closed_at.is_(None)) & (Finding.deadline_at < now), 1), else_=0)
    rows = session.execute(select(
        Finding.round_id, func.sum(case((Finding.status.in_(CONFIRMED), 1), else_=0)),
        func.sum(case((Finding.status == "draft", 1), else_=0)),
        func.sum(case((Finding.status == "closed", 1), else_=0)),
        func.sum(case((Finding.status.in_(CONFIRMED), late), else_=0)),
        func.sum(case((Finding.returned_count > 0, 1), else_=0)),
    ).where(Finding.round_id.in_(round_ids)).group_by(Finding.round_id))
    for rid, confirmed, drafts, closed, lates, returned in rows:
        p = found[rid]
        p.findings, p.drafts, p.closed, p.late, p.returned = (int(confirmed or 0), int(drafts or 0), int(closed or 0),
                                                              int(lates or 0), int(returned or 0))
    return found


COUNTED = ("open", "closed")  # confirmed findings: drafts and dismissed ones never count


def by_category(rows: list[tuple[str, str, int, float]], limit: int = 12) -> list[tuple[str, int]]:
    """The chart of recurring problems: findings per category over every template, most frequent first."""
    totals: Counter = Counter()
    for _, category, n, _ in rows:
        totals[category] += n
    return sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]


def _month_key(moment: datetime) -> str:
    return months.of(moment)


def per_squad_month(session: Session, year: int) -> tuple[list[Squad], list[str], dict]:
    """Confirmed findings per squad and month (Shanghai time) of a year: (squads, months, {(squad, month): n})."""
    squads = list(session.scalars(select(Squad).order_by(Squad.id)))
    keys = [f"{year}-{m:02d}" for m in range(1, 13)]
    start, end = months.bounds(keys[0])[0], months.bounds(keys[-1])[1]
    counts: dict = Counter()
    for squad_id, at in session.execute(select(Finding.squad_id, Finding.confirmed_at).where(
            Finding.confirmed_at >= start, Finding.confirmed_at < end, Finding.status.in_(COUNTED))):
        counts[(squad_id, _month_key(at))] += 1
    return squads, keys, counts


def per_category(session: Session, year: int) -> list[tuple[str, str, int, float]]:
    """Which kinds of problem recur: (template, category, findings, deduction) of a year, most frequent first."""
    from models.inspections import InspectionTemplate, TemplateVersion

    start, end = months.bounds(f"{year}-01")[0], months.bounds(f"{year}-12")[1]
    rows = session.execute(select(InspectionTemplate.name, Finding.category, func.count(), func.sum(Finding.deduction))
                           .join(InspectionRound, InspectionRound.id == Finding.round_id)
                           .join(TemplateVersion, TemplateVersion.id == InspectionRound.template_version_id)
                           .join(InspectionTemplate, InspectionTemplate.id == TemplateVersion.template_id)
                           .where(Finding.confirmed_at >= start, Finding.confirmed_at < end,
                                  Finding.status.in_(COUNTED))
                           .group_by(InspectionTemplate.name, Finding.category))
    return sorted(((t, c, n, float(d or 0)) for t, c, n, d in rows), key=lambda r: (-r[2], r[0], r[1]))


@dataclass
class BulletinRow:
    squad: Squad
    rounds: int = 0
    findings: int = 0
    deduction: float = 0.0
    closed: int = 0
    late: int = 0
    returned: int = 0


def month_section(session: Session, month: str) -> dict:
    """The month's inspection results per squad for the monthly bulletin: findings confirmed in the month, their
    deductions, and rectifications closed in the month (late ones counted), plus the month's rounds by template."""
    start, end = months.bounds(month)
    rows = {s.id: BulletinRow(s) for s in session.scalars(select(Squad).order_by(Squad.id))}
    touched: dict[int, set] = defaultdict(set)
    confirmed = select(Finding.squad_id, Finding.round_id, Finding.deduction).where(
        Finding.confirmed_at >= start, Finding.confirmed_at < end, Finding.status.in_(COUNTED))
    for squad_id, round_id, deduction in session.execute(confirmed):
        rows[squad_id].findings += 1
        rows[squad_id].deduction += float(deduction or 0)
        touched[squad_id].add(round_id)
    for squad_id, ids in touched.items():
        rows[squad_id].rounds = len(ids)
    for squad_id, closed_at, due, returned in session.execute(select(
            Finding.squad_id, Finding.closed_at, Finding.deadline_at, Finding.returned_count)
            .where(Finding.closed_at >= start, Finding.closed_at < end)):
        rows[squad_id].closed += 1
        rows[squad_id].late += bool(due and closed_at > due)
        rows[squad_id].returned += bool(returned)
    rounds = list(session.scalars(select(InspectionRound).where(InspectionRound.opened_at >= start,
                                                                InspectionRound.opened_at < end)
                                  .order_by(InspectionRound.opened_at, InspectionRound.id)))
    return {"rows": list(rows.values()), "rounds": rounds}
