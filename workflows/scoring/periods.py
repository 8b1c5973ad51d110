"""Assessment periods (月度 / 季度 / 年度): per squad and per person the total, the rank, the breakdown by rule and
the trend against the previous period, from the counted ledger lines of the period's months. A bureau leader
locks (锁定) a finished period: its report is stored as it stands and its months are frozen against rule
edits, late events and rebuilds."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.org import Role, Squad, User
from models.scores import ScoreEntry, ScorePeriod
from workflows import audit
from workflows.calendar import LOCAL_TZ
from workflows.errors import Conflict, InvalidInput, PermissionDenied
from workflows.petitions import months
from workflows.scoring import ledger
from workflows.scoring.rules import label_of

KINDS = {"month": "月度", "quarter": "季度", "year": "年度"}
PATTERNS = {"month": re.compile(r"^(20\d{2})-(0[1-9]|1[0-2])$", re.ASCII),
            "quarter": re.compile(r"^(20\d{2})-Q([1-4])$", re.ASCII), "year": re.compile(r"^(20\d{2})$", re.ASCII)}


@dataclass(frozen=True)
class Period:
    kind: str
    key: str
    first_month: str
    last_month: str

    @property
    def label(self) -> str:
        year = self.key[:4]
        if self.kind == "year":
            return f"{year}年度"
        if self.kind == "quarter":
            return f"{year}年第{self.key[-1]}季度"
        return f"{year}年{int(self.key[5:])}月"

    @property
    def months(self) -> list[str]:
        found, month = [], self.first_month
        while month <= self.last_month:
            found.append(month)
            month = months.following(month)
        return found

    @property
    def start(self) -> datetime:
        return months.bounds(self.first_month)[0]

    @property
    def end(self) -> datetime:
        return months.bounds(self.last_month)[1]


def parse(kind: str, key: str) -> Period:
    pattern = PATTERNS.get(kind or "")
    match = pattern.match(key or "") if pattern else None
    if match is None:
        raise InvalidInput("考核期格式应为 2026-03（月）、2026-Q1（季）或 2026（年）", "period")
    year = int(match.group(1))
    if kind == "month":
        return Period(kind, key, key, key)
    if kind == "quarter":
        q = int(match.group(2))
        return Period(kind, key, f"{year}-{3 * q - 2:02d}", f"{year}-{3 * q:02d}")
    return Period(kind, key, f"{year}-01", f"{year}-12")


def containing(kind: str, moment: datetime) -> Period:
    local = moment.astimezone(LOCAL_TZ)
    key = {"month": f"{local.year}-{local.month:02d}", "quarter": f"{local.year}-Q{(local.month - 1) // 3 + 1}",
           "year": str(local.year)}[kind]
    return parse(kind, key)


def previous(period: Period) -> Period:
    return containing(period.kind, period.start - (period.end - period.start) / 2)


def _sums(session: Session, period: Period, target, points) -> dict[int, dict[str, Decimal]]:
    rows = session.execute(
        select(target, ScoreEntry.code, func.sum(points))
        .where(ScoreEntry.status == "counted", ScoreEntry.month.in_(period.months), target.is_not(None))
        .group_by(target, ScoreEntry.code))
    found: dict[int, dict[str, Decimal]] = {}
    for who, code, total in rows:
        found.setdefault(who, {})[code] = Decimal(total or 0)
    return found


def _ranked(rows: list[dict]) -> list[dict]:
    rows.sort(key=lambda r: (-Decimal(r["total"]), r["name"], r["id"]))
    for row in rows:
        row["rank"] = 1 + sum(1 for other in rows if Decimal(other["total"]) > Decimal(row["total"]))
    return rows


def _table(targets: list[tuple[int, str, str]], sums: dict[int, dict[str, Decimal]]) -> list[dict]:
    rows = []
    for ident, name, unit in targets:
        breakdown = {code: str(v.quantize(Decimal("0.01"))) for code, v in sorted(sums.get(ident, {}).items()) if v}
        total = sum((Decimal(v) for v in breakdown.values()), Decimal(0))
        rows.append({"id": ident, "name": name, "unit": unit, "total": str(total.quantize(Decimal("0.01"))),
                     "breakdown": breakdown})
    return _ranked(rows)


def _people(session: Session) -> list[tuple[int, str, str]]:
    query = (select(User.id, User.name, Squad.name).join(Squad, Squad.id == User.squad_id)
             .where(User.active.is_(True)).order_by(User.id))
    return [(i, n, s) for i, n, s in session.execute(query)]


def compute(session: Session, period: Period) -> dict:
    """The live report of a period (JSON-ready: points as strings)."""
    squads = [(s.id, s.name, "") for s in session.scalars(select(Squad).order_by(Squad.id))]
    return {"kind": period.kind, "key": period.key, "label": period.label,
            "squads": _table(squads, _sums(session, period, ScoreEntry.squad_id, ScoreEntry.squad_points)),
            "people": _table(_people(session), _sums(session, period, ScoreEntry.person_id,
                                                     ScoreEntry.person_points))}


def locked(session: Session, period: Period) -> ScorePeriod | None:
    return session.scalar(select(ScorePeriod).where(ScorePeriod.kind == period.kind, ScorePeriod.key == period.key))


def _with_trend(report: dict, before: dict) -> dict:
    for table in ("squads", "people"):
        earlier = {row["id"]: row for row in before[table]}
        for row in report[table]:
            prev = earlier.get(row["id"])
            row["previous_total"] = prev["total"] if prev else None
            row["delta"] = str(Decimal(row["total"]) - Decimal(prev["total"])) if prev else None
            row["movement"] = prev["rank"] - row["rank"] if prev else None  # > 0: moved up
    return report


def report(session: Session, period: Period) -> dict:
    """The period's report: the frozen one when locked, else live; with the trend against the previous period
    (its frozen report when that is locked)."""
    frozen = locked(session, period)
    if frozen is not None:
        return frozen.report
    earlier = previous(period)
    before_row = locked(session, earlier)
    before = before_row.report if before_row is not None else compute(session, earlier)
    result = _with_trend(compute(session, period), before)
    result["locked"] = None
    return result


def lock(session: Session, *, actor: User, now: datetime, kind: str, key: str) -> ScorePeriod:
    """A bureau leader signs off a finished period: the ledger is brought up to date, then frozen."""
    if not actor.has(Role.LEADER):
        raise PermissionDenied("只有局领导可以锁定考核期")
    period = parse(kind, key)
    if period.end > now:
        raise Conflict("考核期尚未结束，不能锁定")
    if locked(session, period) is not None:
        raise Conflict("该考核期已锁定")
    ledger.rebuild(session, now=now)
    result = report(session, period)
    result["locked"] = {"by": actor.name, "at": now.isoformat()}
    row = ScorePeriod(kind=period.kind, key=period.key, first_month=period.first_month,
                      last_month=period.last_month, locked_by_id=actor.id, locked_at=now, report=result)
    session.add(row)
    session.flush()
    audit.record(session, actor=actor, now=now, family="score_period", subject_id=row.id, action="period_locked",
                 summary=f"锁定{period.label}考核结果", details={"kind": period.kind, "key": period.key})
    return row


def rule_labels(report_: dict) -> dict[str, str]:
    codes = {code for table in ("squads", "people") for row in report_[table] for code in row["breakdown"]}
    return {code: label_of(code).split("（")[0] for code in sorted(codes)}
