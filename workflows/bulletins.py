"""月度通报: the monthly bulletin, one row per squad, for one calendar month in Shanghai time.

Pure queries: every function takes the session and the month string ("YYYY-MM") and never reads the clock.
The petition columns come from `workflows.petitions.figures`, the major-case and referral columns from
`workflows.cases.figures`; this module adds the instructed items (批示件) and the overdue evidence (慢作为).

What each column counts (all moments compared as UTC against the month's Shanghai bounds [start, end)):
- received: instructed items whose lead squad is the squad and whose received_at is in the month.
- closed / closed_on_time / closed_late: items closed in the month (closed_at in the month); on time when
  closed_at <= deadline_at (the deadline after any approved extension), late otherwise.
- open_overdue: items still open at the month's end and past their deadline then: deadline_at < end and
  (not closed, or closed only at/after end). For the running month the caller passes `as_of` (the caller's
  "now") and the cut is made there instead of at the month's end. `overdue` = open_overdue + closed_late.
- extensions: extension requests (ClockRequest) for instructed items filed by the squad in the month,
  whatever the decision.
- urges: urges (Urge) of instructed items' steps held by the squad, made in the month.
- returns: see `_returns`.
- satisfied / basically / unsatisfied: see `_follow_ups`.
- overdue_steps: OverdueRecord rows (every family, steps and whole subjects) of the squad detected in the month.
- co_parts / co_late: co-squad parts (协办, every family) whose branch opened in the month for the squad; parts of
  the squad finished late (feedback after its own limit) or marked missing in the month. Lateness of a co-squad
  is the co-squad's.
- jur_returns / jur_rejected: jurisdiction returns (退单, every family) the squad filed in the month, and how many of
  those were rejected (by the coordination section, or by the leader keeping the squad).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, fields
from datetime import datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from models.audit import AuditEntry
from models.deadlines import ClockRequest, OverdueRecord, Urge
from models.items import FAMILY_INSTRUCTED, ItemStatus, SupervisedItem
from models.org import Squad
from models.referrals import OUTCOME_LABELS
from models.responsibility import CoSquadPart
from workflows.cases import figures as case_figures
from workflows.petitions import figures as petition_figures
from workflows.petitions import months
from workflows.tasks import returns


@dataclass
class SquadRow:
    """One squad's line of the bulletin; `squad` is None for the totals row."""

    squad: Squad | None
    # 批示件 (instructed items)
    received: int = 0
    closed: int = 0
    closed_on_time: int = 0
    closed_late: int = 0
    open_overdue: int = 0
    extensions: int = 0
    urges: int = 0
    returns: int = 0
    satisfied: int = 0
    basically: int = 0
    unsatisfied: int = 0
    # 信访件 (petitions, from workflows.petitions.figures)
    petitions_received: int = 0
    petition_repeats: int = 0
    petitions_closed: int = 0
    petitions_on_time: int = 0
    callbacks_made: int = 0
    petitions_satisfied: int = 0
    petitions_reopened: int = 0
    # 重大案件 / 追责 (from workflows.cases.figures)
    cases: int = 0
    problems: int = 0
    referrals: int = 0
    referrals_closed: int = 0
    # 协办 / 退单 (every family)
    co_parts: int = 0
    co_late: int = 0
    jur_returns: int = 0
    jur_rejected: int = 0
    # 慢作为 evidence
    overdue_steps: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.squad.name if self.squad is not None else "合计"

    @property
    def overdue(self) -> int:
        return self.open_overdue + self.closed_late

    @property
    def petition_satisfaction_rate(self) -> float | None:
        """(满意 + 基本满意) / callbacks made, in percent — the petitions module's definition."""
        if not self.callbacks_made:
            return None
        return round(100 * self.petitions_satisfied / self.callbacks_made, 1)


COUNTS = [f.name for f in fields(SquadRow) if f.type == "int"]


@dataclass
class Bulletin:
    month: str
    start: datetime
    end: datetime
    cutoff: datetime  # where "open and overdue" is measured: the month's end, or `as_of` inside the month
    rows: list[SquadRow]
    total: SquadRow
    notes: list[str]

    @property
    def partial(self) -> bool:
        """The month was still running at `as_of`: the figures are up to the cutoff."""
        return self.cutoff < self.end

    @property
    def title_month(self) -> str:
        year, mon = months.parse(self.month)
        return f"{year}年{mon}月"


def _count(session: Session, key, *where) -> dict[int, int]:
    query = select(key, func.count()).where(key.is_not(None), *where).group_by(key)
    return {k: n for k, n in session.execute(query)}


def _in(column, start: datetime, end: datetime):
    return and_(column >= start, column < end)


def _item_counts(session: Session, start: datetime, end: datetime, cutoff: datetime) -> dict[str, dict[int, int]]:
    item, squad = SupervisedItem, SupervisedItem.lead_squad_id
    closed = and_(item.status == ItemStatus.CLOSED, _in(item.closed_at, start, end))
    open_at_cutoff = or_(item.closed_at.is_(None), item.closed_at >= cutoff)
    return {
        "received": _count(session, squad, _in(item.received_at, start, end)),
        "closed": _count(session, squad, closed),
        "closed_on_time": _count(session, squad, closed, item.closed_at <= item.deadline_at),
        "closed_late": _count(session, squad, closed, item.closed_at > item.deadline_at),
        "open_overdue": _count(session, squad, item.deadline_at < cutoff, open_at_cutoff),
        "extensions": _count(session, ClockRequest.squad_id, ClockRequest.family == FAMILY_INSTRUCTED,
                             ClockRequest.kind == "extension",
                             _in(ClockRequest.requested_at, start, end)),
        "urges": _count(session, Urge.squad_id, Urge.family == FAMILY_INSTRUCTED, _in(Urge.urged_at, start, end)),
        "returns": _returns(session, start, end),
        "overdue_steps": _count(session, OverdueRecord.squad_id, _in(OverdueRecord.detected_at, start, end)),
    }


def _item_entries(start: datetime, end: datetime, step_names: tuple[str, ...]):
    """Completed steps of instructed items in the month, joined to the item for its lead squad."""
    entry = AuditEntry
    return (select(SupervisedItem.lead_squad_id, func.count())
            .join(entry, and_(entry.family == FAMILY_INSTRUCTED, entry.subject_id == SupervisedItem.id))
            .where(entry.action == "complete", entry.step.in_(step_names), _in(entry.at, start, end),
                   SupervisedItem.lead_squad_id.is_not(None))
            .group_by(SupervisedItem.lead_squad_id))


def _returns(session: Session, start: datetime, end: datetime) -> dict[int, int]:
    # Returns are counted from the audit trail, not from return_count: every review or leader sign-off
    # completed in the month with details decision=return, so a return falls in the month it happened
    # (also for items still open) and the figure rests on the tamper-evident trail.
    query = _item_entries(start, end, ("review", "leader_signoff")).where(
        AuditEntry.details["decision"].as_string() == "return")
    return {k: n for k, n in session.execute(query)}


def _follow_ups(session: Session, start: datetime, end: datetime) -> dict[str, dict[int, int]]:
    # Satisfaction is counted per follow-up (回访/抽查) recorded in the month, not from the final
    # satisfaction of items closed in the month: an item only closes after a satisfied or basically
    # satisfied follow-up (an unsatisfied one sends it back to rectify), so counting closed items would
    # always show 不满意 = 0. Each follow_up completion with details satisfaction=... counts once.
    found: dict[str, dict[int, int]] = {}
    for value in ("satisfied", "basically", "unsatisfied"):
        query = _item_entries(start, end, ("follow_up",)).where(
            AuditEntry.details["satisfaction"].as_string() == value)
        found[value] = {k: n for k, n in session.execute(query)}
    return found


def _petition_counts(session: Session, month: str, squads: list[Squad]) -> dict[int, dict[str, int]]:
    found = {}
    for f in petition_figures.month_figures(session, month, squads):
        found[f.squad.id] = {
            "petitions_received": f.received, "petition_repeats": f.repeats, "petitions_closed": f.closed,
            "petitions_on_time": f.closed_on_time, "callbacks_made": f.callbacks_made,
            "petitions_satisfied": f.satisfied, "petitions_reopened": f.reopened,
        }
    return found


def _case_counts(session: Session, month: str) -> dict[int, dict]:
    year, mon = months.parse(month)
    found = {}
    for squad, row in case_figures.month(session, year, mon).squads:
        found[squad.id] = {"cases": row.cases, "problems": sum(row.problems.values()), "referrals": row.referrals,
                           "referrals_closed": sum(row.outcomes.values()), "outcomes": dict(row.outcomes)}
    return found


def _responsibility_counts(session: Session, start: datetime, end: datetime) -> dict[str, dict[int, int]]:
    found = {
        "co_parts": _count(session, CoSquadPart.squad_id, _in(CoSquadPart.opened_at, start, end)),
        "co_late": _count(session, CoSquadPart.squad_id, CoSquadPart.late.is_(True),
                          _in(CoSquadPart.finished_at, start, end)),
    }
    by_squad = returns.counts(session, start, end)
    found["jur_returns"] = {k: v["returns"] for k, v in by_squad.items()}
    found["jur_rejected"] = {k: v["returns_rejected"] for k, v in by_squad.items()}
    return found


def cutoff(month: str, as_of: datetime | None = None) -> datetime:
    """The month's end, or `as_of` when that falls inside the month (never before the month's start)."""
    start, end = months.bounds(month)
    return end if as_of is None else min(max(as_of, start), end)


def squad_rows(session: Session, month: str, as_of: datetime | None = None) -> list[SquadRow]:
    """Every squad's row for the month, in squad order."""
    start, end = months.bounds(month)
    squads = list(session.scalars(select(Squad).order_by(Squad.id)))
    columns = {**_item_counts(session, start, end, cutoff(month, as_of)), **_follow_ups(session, start, end),
               **_responsibility_counts(session, start, end)}
    petitions, cases = _petition_counts(session, month, squads), _case_counts(session, month)
    rows = []
    for squad in squads:
        values = {name: by_squad.get(squad.id, 0) for name, by_squad in columns.items()}
        rows.append(SquadRow(squad, **values, **petitions.get(squad.id, {}), **cases.get(squad.id, {})))
    return rows


def totals(rows: list[SquadRow]) -> SquadRow:
    total = SquadRow(None, **{name: sum(getattr(r, name) for r in rows) for name in COUNTS})
    outcomes: Counter[str] = Counter()
    for row in rows:
        outcomes.update(row.outcomes)
    total.outcomes = dict(outcomes)
    return total


def _most(rows: list[SquadRow], attr: str) -> tuple[int, list[str]]:
    top = max((getattr(r, attr) for r in rows), default=0)
    return top, [r.name for r in rows if top and getattr(r, attr) == top]


def notes(rows: list[SquadRow], total: SquadRow) -> list[str]:
    """A short factual ranking: who has the most overdue steps and items, unsatisfied follow-ups, outcomes."""
    found = []
    for attr, label, unit in (("overdue_steps", "超期环节", "条"), ("overdue", "超期批示件", "件")):
        top, names = _most(rows, attr)
        found.append(f"{label}最多：{'、'.join(names)}（{top} {unit}）。" if top else f"本月无{label}。")
    unhappy = [f"{r.name}（{r.unsatisfied} 次）" for r in rows if r.unsatisfied]
    if unhappy:
        found.append("批示件跟踪回访不满意：" + "、".join(unhappy) + "。")
    if total.outcomes:
        parts = [f"{label} {total.outcomes[key]} 件" for key, label in OUTCOME_LABELS.items() if key in total.outcomes]
        found.append("本月追责办结处理结果：" + "，".join(parts) + "。")
    return found


def month_bulletin(session: Session, month: str, as_of: datetime | None = None) -> Bulletin:
    """The bulletin of `month` ("YYYY-MM"); raises InvalidInput for a malformed month. `as_of` (the caller's
    clock) only matters for the running month: items open and overdue are counted at that moment."""
    start, end = months.bounds(month)
    rows = squad_rows(session, month, as_of)
    total = totals(rows)
    return Bulletin(month, start, end, cutoff(month, as_of), rows, total, notes(rows, total))
