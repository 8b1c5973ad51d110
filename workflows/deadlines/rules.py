"""Clock rules per family, kind and step (unit, amount, 当日/次日起算, warning thresholds), with code
defaults that an administrator can override row by row (table clock_rule)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.deadlines import ClockRule
from workflows import txcache
from workflows.calendar import UNITS, Deadline, WorkCalendar
from workflows.errors import InvalidInput

UNIT_LABELS = {"workday": "工作日", "day": "自然日", "hour": "小时"}


@dataclass(frozen=True)
class Rule:
    amount: int
    unit: str = "workday"
    same_day: bool = False
    yellow_pct: int = 67
    red_workdays: int = 1
    escalate_workdays: int = 1
    pause_on_suspend: bool = True

    def due(self, calendar: WorkCalendar, start: datetime) -> Deadline:
        return calendar.deadline(start, self.amount, self.unit, same_day=self.same_day)

    @property
    def label(self) -> str:
        counting = "当日起算" if self.same_day else "次日起算"
        return f"{self.amount}{UNIT_LABELS[self.unit]}（{counting}）"


_DEFAULTS: dict[str, tuple[dict[int, int], dict[str, int]]] = {}


def register_defaults(family: str, item_limits: dict[int, int], step_limits: dict[str, int]) -> None:
    """A family's default limits in working days: per kind for the item, per step for its steps."""
    _DEFAULTS[family] = ({int(k): v for k, v in item_limits.items()}, dict(step_limits))


def default_steps(family: str) -> dict[str, int]:
    return dict(_DEFAULTS.get(family, ({}, {}))[1])


class RuleBook:
    """The rules in force for one family: admin rows first ((kind, step), then (0, step)), then defaults."""

    def __init__(self, family: str, rows: list[ClockRule]):
        self.family = family
        self._rows = {(r.kind, r.step): r for r in rows}
        self._items, self._steps = _DEFAULTS.get(family, ({}, {}))

    def _row(self, kind: int, step: str) -> Rule | None:
        row = self._rows.get((kind, step)) or self._rows.get((0, step))
        if row is None:
            return None
        return Rule(row.amount, row.unit, row.same_day, row.yellow_pct, row.red_workdays, row.escalate_workdays,
                    row.pause_on_suspend)

    def item(self, kind: int) -> Rule:
        return self._row(int(kind), "") or Rule(self._items.get(int(kind), 10))

    def step(self, kind: int, step: str) -> Rule | None:
        """The step's own limit, or None when the step simply runs until the item's deadline."""
        own = self._row(int(kind), step)
        if own is not None:
            return own
        amount = self._steps.get(step)
        return replace(self.item(kind), amount=amount, unit="workday", same_day=False) if amount else None

    def thresholds(self, kind: int, step: str | None) -> Rule:
        """Warning thresholds for a step (its own rule when it has one) or for the item."""
        return (self.step(kind, step) if step else None) or self.item(kind)


def load_book(session: Session, family: str) -> RuleBook:
    """The family's clock rules (admin rows over code defaults), read once per transaction."""
    return txcache.memo(session, ("rules", family), lambda: RuleBook(
        family, list(session.scalars(select(ClockRule).where(ClockRule.family == family)))))


def _check(values: dict) -> None:
    if values.get("unit") not in UNITS:
        raise InvalidInput("请选择计时单位", "unit")
    if not isinstance(values.get("amount"), int) or not 1 <= values["amount"] <= 365:
        raise InvalidInput("时限必须是 1 到 365 之间的整数", "amount")
    if not isinstance(values.get("yellow_pct"), int) or not 1 <= values["yellow_pct"] <= 99:
        raise InvalidInput("黄色预警比例必须在 1% 到 99% 之间", "yellow_pct")
    for name in ("red_workdays", "escalate_workdays"):
        if not isinstance(values.get(name), int) or not 0 <= values[name] <= 30:
            raise InvalidInput("天数必须是 0 到 30 之间的整数", name)


def save_rule(session: Session, *, actor_id: int, now: datetime, family: str, kind: int, step: str,
              values: dict) -> ClockRule:
    """Create or replace one admin rule (validated; nothing saved on bad input)."""
    _check(values)
    row = session.scalar(select(ClockRule).where(ClockRule.family == family, ClockRule.kind == kind,
                                                 ClockRule.step == step))
    if row is None:
        row = ClockRule(family=family, kind=kind, step=step)
        session.add(row)
    for name in ("unit", "amount", "yellow_pct", "red_workdays", "escalate_workdays"):
        setattr(row, name, values[name])
    row.same_day = bool(values.get("same_day"))
    row.pause_on_suspend = bool(values.get("pause_on_suspend", True))
    row.updated_by_id, row.updated_at = actor_id, now
    session.flush()
    txcache.forget(session, ("rules", family))
    return row
