"""Working-day calendar for deadlines (时限): China's official calendar plus admin overrides.

Pure module: no database, no Flask, no SpiffWorkflow. All moments are timezone-aware; results are
UTC. Calendar days are days in Asia/Shanghai.

Day status precedence: administrator override > ``chinese_calendar`` (statutory holidays and
make-up workdays, for the years the package knows) > weekend rule (Monday-Friday work).

A year the package does not know is "provisional" unless administrators marked its overrides
complete ("overridden"). A deadline is provisional when computing it consulted the workday status
of a day in a provisional year; it must then be recomputed when the calendar is updated.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from types import MappingProxyType
from zoneinfo import ZoneInfo

import chinese_calendar
from chinese_calendar import constants as _package_data

LOCAL_TZ = ZoneInfo("Asia/Shanghai")
END_OF_DAY = time(23, 59, 59)
ONE_DAY = timedelta(days=1)

UNIT_WORKDAY = "workday"
UNIT_DAY = "day"
UNIT_HOUR = "hour"
UNITS = (UNIT_WORKDAY, UNIT_DAY, UNIT_HOUR)

OFFICIAL = "official"
OVERRIDDEN = "overridden"
PROVISIONAL = "provisional"


def _package_year_range() -> tuple[int, int]:
    """First and last year the installed chinese_calendar knows (same rule as the package)."""
    years = [day.year for day in _package_data.holidays]
    return min(years), max(years)


PACKAGE_FIRST_YEAR, PACKAGE_LAST_YEAR = _package_year_range()


@dataclass(frozen=True)
class Deadline:
    """A computed due moment (aware UTC) and whether it depends on a provisional calendar year."""

    due_at: datetime
    provisional: bool


def _require_aware(moment: datetime, name: str = "start") -> None:
    if not isinstance(moment, datetime):
        raise TypeError(f"{name} must be a datetime, got {type(moment).__name__}")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} is a naive datetime; a timezone-aware datetime is required")


def _require_plain_date(day: date, name: str = "day") -> None:
    if isinstance(day, datetime) or not isinstance(day, date):
        raise TypeError(f"{name} must be a date (not a datetime); use local_day() to convert moments")


def _require_count(amount: int) -> None:
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise ValueError(f"deadline amount must be an integer >= 1, got {amount!r}")
    if amount < 1:
        raise ValueError(f"deadline amount must be >= 1, got {amount}")


def local_day(moment: datetime) -> date:
    """The Asia/Shanghai calendar date of an aware moment."""
    _require_aware(moment, "moment")
    return moment.astimezone(LOCAL_TZ).date()


def end_of_local_day(d: date) -> datetime:
    """23:59:59 Asia/Shanghai on ``d``, as an aware UTC datetime."""
    return datetime.combine(d, END_OF_DAY, tzinfo=LOCAL_TZ).astimezone(UTC)


def package_knows_year(year: int) -> bool:
    """True when the installed chinese_calendar has official data for ``year``."""
    return PACKAGE_FIRST_YEAR <= year <= PACKAGE_LAST_YEAR


class WorkCalendar:
    """Working days: overrides first, then the official calendar, then the weekend rule."""

    def __init__(self, overrides: Mapping[date, bool] | None = None, official_years: Iterable[int] = ()):
        self._overrides: dict[date, bool] = {day: bool(flag) for day, flag in (overrides or {}).items()}
        for day in self._overrides:
            _require_plain_date(day, "override key")
        self._official_years = frozenset(int(year) for year in official_years)

    @property
    def overrides(self) -> Mapping[date, bool]:
        return MappingProxyType(self._overrides)

    @property
    def official_years(self) -> frozenset[int]:
        return self._official_years

    # --- day status -------------------------------------------------------------------------

    def is_workday(self, d: date) -> bool:
        _require_plain_date(d)
        return self._is_workday(d)

    def _is_workday(self, d: date) -> bool:
        override = self._overrides.get(d)
        if override is not None:
            return override
        if package_knows_year(d.year):
            return chinese_calendar.is_workday(d)
        return d.weekday() < 5

    def year_status(self, year: int) -> str:
        """Return "official" (package data), "overridden" (admins marked it complete) or "provisional"."""
        if package_knows_year(year):
            return OFFICIAL
        if year in self._official_years:
            return OVERRIDDEN
        return PROVISIONAL

    def is_provisional_day(self, d: date) -> bool:
        return self.year_status(d.year) == PROVISIONAL

    def _any_provisional(self, first: date, last: date) -> bool:
        """Whether any day in [first, last] lies in a provisional year."""
        low, high = sorted((first.year, last.year))
        return any(self.year_status(year) == PROVISIONAL for year in range(low, high + 1))

    # --- day arithmetic ---------------------------------------------------------------------

    def shift_working_days(self, d: date, n: int) -> date:
        """Move ``n`` working days forward (n > 0) or backward (n < 0); ``d`` itself is not counted."""
        _require_plain_date(d)
        step = ONE_DAY if n > 0 else -ONE_DAY
        remaining = abs(n)
        current = d
        while remaining:
            current += step
            if self._is_workday(current):
                remaining -= 1
        return current

    def working_days_between(self, a: date, b: date) -> int:
        """Number of working days d with a < d <= b; negative (-count of b < d <= a) if b < a."""
        _require_plain_date(a, "a")
        _require_plain_date(b, "b")
        if b < a:
            return -self.working_days_between(b, a)
        span = (b - a).days
        return sum(1 for k in range(1, span + 1) if self._is_workday(a + timedelta(days=k)))

    # --- deadlines --------------------------------------------------------------------------

    def _due_on(self, first_consulted: date, due_day: date) -> Deadline:
        provisional = self._any_provisional(first_consulted, due_day)
        return Deadline(due_at=end_of_local_day(due_day), provisional=provisional)

    def add_working_days(self, start: datetime, n: int, *, same_day: bool = False) -> Deadline:
        """Due at the end of the n-th working day.

        Next-day counting (次日起算, default): day 1 is the first working day after the start day.
        Same-day counting (当日起算): the start day is day 1 if it is a working day.
        """
        _require_aware(start)
        _require_count(n)
        first = local_day(start) if same_day else local_day(start) + ONE_DAY
        due_day = self.shift_working_days(first - ONE_DAY, n)
        return self._due_on(first, due_day)

    def add_natural_days(
        self, start: datetime, n: int, *, same_day: bool = False, roll_to_workday: bool = True
    ) -> Deadline:
        """Due at the end of natural day n; rolled to the next working day's end if that is a day off."""
        _require_aware(start)
        _require_count(n)
        end_day = local_day(start) + timedelta(days=n - 1 if same_day else n)
        if not roll_to_workday:
            return Deadline(due_at=end_of_local_day(end_day), provisional=False)
        due_day = end_day if self._is_workday(end_day) else self.shift_working_days(end_day, 1)
        return self._due_on(end_day, due_day)

    def add_hours(self, start: datetime, n: int) -> Deadline:
        """Exactly ``n`` elapsed hours after ``start`` (no rolling, never provisional)."""
        _require_aware(start)
        _require_count(n)
        return Deadline(due_at=start.astimezone(UTC) + timedelta(hours=n), provisional=False)

    def deadline(self, start: datetime, amount: int, unit: str, *, same_day: bool = False) -> Deadline:
        """Dispatch on ``unit`` ("workday", "day", "hour"); ``same_day`` is ignored for hours."""
        if unit not in UNITS:
            raise ValueError(f"unknown deadline unit {unit!r}; expected one of: {', '.join(UNITS)}")
        _require_count(amount)
        if unit == UNIT_WORKDAY:
            return self.add_working_days(start, amount, same_day=same_day)
        if unit == UNIT_DAY:
            return self.add_natural_days(start, amount, same_day=same_day)
        return self.add_hours(start, amount)
