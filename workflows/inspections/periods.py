"""Periods of the annual task list: a monthly task has 12 (2026-03), a quarterly one 4 (2026-Q1), a half-yearly
one 2 (2026-H1), an annual one 1 (2026); ad hoc tasks have none (their rounds are opened by hand)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

MONTHS_PER = {"monthly": 1, "quarterly": 3, "half_yearly": 6, "annual": 12}


@dataclass(frozen=True)
class Period:
    key: str
    label: str
    start: date
    end: date  # inclusive


def _end(year: int, month: int, months: int) -> date:
    m = month + months
    return date(year + (m - 1) // 12, (m - 1) % 12 + 1, 1) - timedelta(days=1)


def _make(frequency: str, year: int, index: int) -> Period:
    months = MONTHS_PER[frequency]
    month = index * months + 1
    start = date(year, month, 1)
    if frequency == "monthly":
        key, label = f"{year}-{month:02d}", f"{year}年{month}月"
    elif frequency == "quarterly":
        key, label = f"{year}-Q{index + 1}", f"{year}年第{'一二三四'[index]}季度"
    elif frequency == "half_yearly":
        key, label = f"{year}-H{index + 1}", f"{year}年{'上下'[index]}半年"
    else:
        key, label = str(year), f"{year}年度"
    return Period(key, label, start, _end(year, month, months))


def of_year(frequency: str, year: int) -> list[Period]:
    if frequency not in MONTHS_PER:
        return []
    return [_make(frequency, year, i) for i in range(12 // MONTHS_PER[frequency])]


def containing(frequency: str, day: date) -> Period | None:
    if frequency not in MONTHS_PER:
        return None
    return _make(frequency, day.year, (day.month - 1) // MONTHS_PER[frequency])


def ad_hoc(day: date) -> Period:
    return Period(day.isoformat(), f"{day.year}年{day.month}月（专项）", day, day)
