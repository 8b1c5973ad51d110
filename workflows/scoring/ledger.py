"""The score ledger, derived: every event (workflows.scoring.events) meets the rule of its year and kind, the
cap of each rule per squad and per person per period is applied in time order, and the result replaces the
ledger lines of every month that is not locked. Rebuilding from the same events and rules gives the same lines;
rebuilding twice changes nothing. Lines voided on appeal stay voided (the appeal names the line's key)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.scores import ScoreAppeal, ScoreEntry, ScorePeriod, ScoreRule
from workflows.calendar import LOCAL_TZ
from workflows.petitions import months
from workflows.scoring import awards, findings, returns  # noqa: F401 - they register their event sources
from workflows.scoring import rules as rulebook
from workflows.scoring.events import Event, collect

ZERO = Decimal(0)
FIELDS = ("rule_id", "code", "source", "source_id", "family", "subject_id", "step", "squad_id", "person_id",
          "occurred_at", "month", "note", "squad_points", "person_points", "status")


@dataclass
class Rebuilt:
    added: int = 0
    changed: int = 0
    removed: int = 0
    frozen: int = 0  # events that fall in a locked period and were left alone


def locked_months(session: Session) -> set[str]:
    found: set[str] = set()
    for first, last in session.execute(select(ScorePeriod.first_month, ScorePeriod.last_month)):
        month = first
        while month <= last:
            found.add(month)
            month = months.following(month)
    return found


def _rule_for(index: dict, event: Event) -> ScoreRule | None:
    year = event.at.astimezone(LOCAL_TZ).year
    rule = index.get((year, event.code, event.param)) or index.get((year, event.code, ""))
    if rule is None or not rule.active:
        return None
    if rule.threshold is not None and rulebook.KINDS[rule.code].threshold and event.weight < rule.threshold:
        return None
    return rule


def _window(rule: ScoreRule, month: str) -> str:
    year, mon = months.parse(month)
    return {"month": month, "quarter": f"{year}-Q{(mon - 1) // 3 + 1}", "year": str(year)}[rule.cap_period]


def _capped(used: dict, key: tuple, points: Decimal, cap: Decimal | None) -> Decimal:
    """Points after the cap: the running total of this rule for this target in this window stays within it."""
    if cap is None or points == ZERO:
        return points
    total = used.get(key, ZERO)
    allowed = max(ZERO, cap - abs(total))
    if abs(points) > allowed:
        points = allowed.copy_sign(points)
    used[key] = total + points
    return points


def score(session: Session, events: list[Event]) -> dict[str, dict]:
    """The ledger lines the events earn under the current rules: key -> column values."""
    index = {(r.year, r.code, r.param): r for r in rulebook.current(session)}
    voided = set(session.scalars(select(ScoreAppeal.entry_key).where(ScoreAppeal.status == "voided")))
    used: dict[tuple, Decimal] = {}
    lines: dict[str, dict] = {}
    for event in sorted(events, key=lambda e: (e.at, e.key)):
        rule = _rule_for(index, event)
        if rule is None:
            continue
        weight = event.weight if rulebook.KINDS[rule.code].weighted else Decimal(1)
        month = months.of(event.at)
        window = (rule.code, rule.param, _window(rule, month))
        squad_points = rule.squad_points * weight if event.squad_id is not None else ZERO
        person_points = rule.person_points * weight if event.person_id is not None else ZERO
        status = "voided" if event.key in voided else "counted"
        if status == "counted":
            squad_points = _capped(used, ("squad", event.squad_id, *window), squad_points, rule.cap)
            person_points = _capped(used, ("person", event.person_id, *window), person_points, rule.cap)
        if squad_points == ZERO and person_points == ZERO and status == "counted":
            continue
        lines[event.key] = {
            "rule_id": rule.id, "code": rule.code, "source": event.source, "source_id": event.source_id,
            "family": event.family, "subject_id": event.subject_id, "step": event.step, "squad_id": event.squad_id,
            "person_id": event.person_id, "occurred_at": event.at, "month": month, "note": event.note[:200],
            "squad_points": squad_points.quantize(Decimal("0.01")),
            "person_points": person_points.quantize(Decimal("0.01")), "status": status,
        }
    return lines


def _same(row: ScoreEntry, values: dict) -> bool:
    return all(getattr(row, name) == values[name] for name in FIELDS)


def rebuild(session: Session, *, now: datetime) -> Rebuilt:
    """Bring the ledger of every unlocked month in line with the events recorded up to `now` and the rules in
    force; locked months keep their lines whatever changed since."""
    frozen = locked_months(session)
    lines = score(session, collect(session, now))
    result = Rebuilt()
    existing = {row.key: row for row in session.scalars(select(ScoreEntry))}
    for key, values in lines.items():
        if values["month"] in frozen:
            result.frozen += key not in existing
            continue
        row = existing.get(key)
        if row is None:
            session.add(ScoreEntry(key=key, **values))
            result.added += 1
        elif not _same(row, values):
            for name in FIELDS:
                setattr(row, name, values[name])
            result.changed += 1
    for key, row in existing.items():
        if key not in lines and row.month not in frozen:
            session.delete(row)
            result.removed += 1
    session.flush()
    return result
