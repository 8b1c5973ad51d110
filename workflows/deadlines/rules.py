"""Clock rules per family, kind and step (unit, amount, 当日/次日起算, counting from the step or the subject,
warning thresholds, the colour ladder, the longest extension), with each family's defaults (its descriptor)
that administrators override. Saving a rule adds a version effective from that moment: a subject follows the
version in force when it was registered (`clock_rules_at`) until an administrator recomputes it."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from types import SimpleNamespace

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.deadlines import ClockRule
from workflows import families, txcache
from workflows.calendar import UNITS, Deadline, WorkCalendar
from workflows.errors import InvalidInput

UNIT_LABELS = {"workday": "工作日", "day": "自然日", "hour": "小时"}
DEFAULT_SUBJECT_LIMIT = 10
FIELDS = ("unit", "amount", "yellow_pct", "red_workdays", "escalate_workdays", "red_after_urges",
          "order_answer_workdays")


@dataclass(frozen=True)
class Rule:
    amount: int
    unit: str = "workday"
    same_day: bool = False
    yellow_pct: int = 67
    red_workdays: int = 1  # the red warning, this many working days before the deadline
    escalate_workdays: int = 1  # 红 (escalation, 督办单) this many working days after the deadline
    pause_on_suspend: bool = True
    counts_from: str = "step"  # 'step': from the step's opening; 'subject': from the subject's start
    max_extension_workdays: int | None = None
    red_after_urges: int = 2  # an overdue subject urged this often turns red at once
    order_answer_workdays: int = 3  # a 督办单 must be answered in writing within

    def due(self, calendar: WorkCalendar, start: datetime) -> Deadline:
        return calendar.deadline(start, self.amount, self.unit, same_day=self.same_day)

    @property
    def label(self) -> str:
        counting = "当日起算" if self.same_day else "次日起算"
        origin = "自登记起" if self.counts_from == "subject" else ""
        return f"{origin}{self.amount}{UNIT_LABELS[self.unit]}（{counting}）"


def _from_row(row: ClockRule) -> Rule:
    return Rule(row.amount, row.unit, row.same_day, row.yellow_pct, row.red_workdays, row.escalate_workdays,
                row.pause_on_suspend, row.counts_from, row.max_extension_workdays, row.red_after_urges,
                row.order_answer_workdays)


class RuleBook:
    """The rules of one family as of one moment: admin rows first ((kind, step), then (0, step)), then the
    family's defaults."""

    def __init__(self, family: str, rows: list[ClockRule], as_of: datetime | None = None):
        self.family = family
        latest: dict[tuple[int, str], ClockRule] = {}
        for row in sorted(rows, key=lambda r: r.effective_from):
            if as_of is None or row.effective_from <= as_of:
                latest[(row.kind, row.step)] = row
        self._rows = latest
        fam = families.find(family)
        self._items = dict(fam.item_limits) if fam else {}
        self._steps = dict(fam.step_limits) if fam else {}
        self._from_start = fam.steps_from_start if fam else frozenset()
        self._max_extension = fam.max_extension_workdays if fam else None

    def row(self, kind: int, step: str) -> ClockRule | None:
        return self._rows.get((int(kind), step)) or self._rows.get((0, step))

    def item(self, kind: int) -> Rule:
        row = self.row(kind, "")
        if row is not None:
            return _from_row(row)
        amount = self._items.get(int(kind), self._items.get(0, DEFAULT_SUBJECT_LIMIT))
        return Rule(amount, max_extension_workdays=self._max_extension)

    def step(self, kind: int, step: str) -> Rule | None:
        """The step's own limit, or None when the step simply runs until the subject's deadline."""
        row = self.row(kind, step)
        if row is not None:
            return _from_row(row)
        amount = self._steps.get(step)
        if not amount:
            return None
        counts_from = "subject" if step in self._from_start else "step"
        return replace(self.item(kind), amount=amount, unit="workday", same_day=False, counts_from=counts_from)

    def thresholds(self, kind: int, step: str | None) -> Rule:
        """Warning thresholds for a step (its own rule when it has one) or for the subject."""
        return (self.step(kind, step) if step else None) or self.item(kind)


_COLUMNS = tuple(c.key for c in ClockRule.__table__.columns)


def _read_rows(session: Session, family: str) -> list[SimpleNamespace]:
    """Plain copies of the family's rule rows (kept between transactions: never ORM objects)."""
    table = ClockRule.__table__
    rows = session.execute(select(table).where(table.c.family == family)).mappings()
    return [SimpleNamespace(**{key: row[key] for key in _COLUMNS}) for row in rows]


def _rows(session: Session, family: str) -> list[SimpleNamespace]:
    return txcache.memo(session, ("rules", family),
                        lambda: txcache.stamped(session, ("rules", family), lambda: _read_rows(session, family)))


def load_book(session: Session, family: str, as_of: datetime | None = None) -> RuleBook:
    """The family's rules in force at `as_of` (None: the latest), read once per transaction."""
    return RuleBook(family, _rows(session, family), as_of)


def book_for(session: Session, family: str, subject) -> RuleBook:
    """The rules a subject follows: those in force when it was registered, or when it was last recomputed."""
    return load_book(session, family, getattr(subject, "clock_rules_at", None))


def _check(values: dict) -> None:
    if values.get("unit") not in UNITS:
        raise InvalidInput("请选择计时单位", "unit")
    if not isinstance(values.get("amount"), int) or not 1 <= values["amount"] <= 365:
        raise InvalidInput("时限必须是 1 到 365 之间的整数", "amount")
    if not isinstance(values.get("yellow_pct"), int) or not 1 <= values["yellow_pct"] <= 99:
        raise InvalidInput("黄色预警比例必须在 1% 到 99% 之间", "yellow_pct")
    for name in ("red_workdays", "escalate_workdays", "red_after_urges", "order_answer_workdays"):
        value = values.get(name)
        if not isinstance(value, int) or not 0 <= value <= 30:
            raise InvalidInput("天数或次数必须是 0 到 30 之间的整数", name)
    cap = values.get("max_extension_workdays")
    if cap is not None and (not isinstance(cap, int) or not 1 <= cap <= 365):
        raise InvalidInput("延期上限必须是 1 到 365 之间的整数，或留空表示不限", "max_extension_workdays")
    if values.get("counts_from", "step") not in ("step", "subject"):
        raise InvalidInput("请选择起算点", "counts_from")


def save_rule(session: Session, *, actor_id: int, now: datetime, family: str, kind: int, step: str,
              values: dict) -> ClockRule:
    """A new version of one rule, effective from `now` (validated; nothing saved on bad input)."""
    _check(values)
    families.get(family)
    row = ClockRule(family=family, kind=kind, step=step, effective_from=now, updated_by_id=actor_id, updated_at=now,
                    same_day=bool(values.get("same_day")), pause_on_suspend=bool(values.get("pause_on_suspend", True)),
                    counts_from=values.get("counts_from", "step"),
                    max_extension_workdays=values.get("max_extension_workdays"),
                    **{name: values[name] for name in FIELDS})
    session.add(row)
    session.flush()
    txcache.forget(session, ("rules", family))
    return row
