"""Pure tests of the working-day calendar (no database)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workflows.calendar import Deadline, WorkCalendar, end_of_local_day, local_day

SHANGHAI = ZoneInfo("Asia/Shanghai")
CAL = WorkCalendar()


def at(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> datetime:
    """An aware Asia/Shanghai moment."""
    return datetime(y, m, d, hh, mm, tzinfo=SHANGHAI)


def due_local(deadline: Deadline) -> datetime:
    return deadline.due_at.astimezone(SHANGHAI)


known_dates = st.dates(min_value=date(2004, 1, 1), max_value=date(2026, 12, 31))
known_workdates = known_dates.filter(CAL.is_workday)
times_of_day = st.times()
counts = st.integers(min_value=1, max_value=60)
zones = st.sampled_from([UTC, SHANGHAI])
starts = st.builds(
    lambda d, t, tz: datetime.combine(d, t, tzinfo=SHANGHAI).astimezone(tz), known_dates, times_of_day, zones
)
workday_starts = st.builds(
    lambda d, t: datetime.combine(d, t, tzinfo=SHANGHAI), known_workdates, times_of_day
)


# --- agreement with the official calendar -------------------------------------------------------


def test_matches_chinese_calendar_for_every_known_day():
    day = date(2004, 1, 1)
    while day <= date(2026, 12, 31):
        assert CAL.is_workday(day) == chinese_calendar.is_workday(day), day
        day += timedelta(days=1)


def test_known_facts():
    assert date(2024, 2, 4).weekday() == 6 and CAL.is_workday(date(2024, 2, 4))  # make-up workday
    assert not CAL.is_workday(date(2024, 10, 1))
    assert not CAL.is_workday(date(2026, 1, 1))
    assert CAL.is_workday(date(2024, 10, 8))


def test_year_status():
    assert CAL.year_status(2004) == "official"
    assert CAL.year_status(2026) == "official"
    assert CAL.year_status(2003) == "provisional"
    assert CAL.year_status(2027) == "provisional"
    cal = WorkCalendar({}, official_years={2027, 2024})
    assert cal.year_status(2027) == "overridden"
    assert cal.year_status(2024) == "official"
    assert cal.is_provisional_day(date(2028, 3, 1)) and not cal.is_provisional_day(date(2027, 3, 1))


def test_unknown_year_uses_weekend_rule():
    assert CAL.is_workday(date(2027, 1, 1))  # Friday; no official data for 2027
    assert not CAL.is_workday(date(2027, 1, 2))  # Saturday


# --- properties -----------------------------------------------------------------------------------


@given(known_workdates, counts)
def test_shift_round_trip_from_a_working_day(day, n):
    assert CAL.shift_working_days(CAL.shift_working_days(day, n), -n) == day


@given(known_dates, counts)
def test_shift_and_between_agree(day, n):
    target = CAL.shift_working_days(day, n)
    assert CAL.is_workday(target)
    assert CAL.working_days_between(day, target) == n
    assert CAL.working_days_between(target, day) == -n


@given(starts, counts)
def test_working_day_deadline_is_end_of_a_working_day(start, n):
    deadline = CAL.add_working_days(start, n)
    due = due_local(deadline)
    assert deadline.due_at.tzinfo is UTC
    assert due.time() == time(23, 59, 59)
    assert CAL.is_workday(due.date())
    assert CAL.working_days_between(local_day(start), due.date()) == n
    assert deadline.provisional == (due.year > 2026)


@given(workday_starts, counts)
def test_same_day_counting_is_one_working_day_earlier(start, n):
    next_day = local_day(CAL.add_working_days(start, n).due_at)
    same_day = local_day(CAL.add_working_days(start, n, same_day=True).due_at)
    assert CAL.working_days_between(same_day, next_day) == 1
    assert CAL.shift_working_days(same_day, 1) == next_day


@given(known_dates.filter(lambda d: not CAL.is_workday(d)), times_of_day, counts)
def test_same_day_counting_from_a_day_off_equals_next_day(day, t, n):
    start = datetime.combine(day, t, tzinfo=SHANGHAI)
    assert CAL.add_working_days(start, n, same_day=True) == CAL.add_working_days(start, n)


@given(starts, counts, st.booleans())
def test_natural_days_properties(start, n, same_day):
    end = local_day(start) + timedelta(days=n - 1 if same_day else n)
    plain = CAL.add_natural_days(start, n, same_day=same_day, roll_to_workday=False)
    rolled = CAL.add_natural_days(start, n, same_day=same_day)
    assert plain.due_at == end_of_local_day(end)
    assert CAL.is_workday(local_day(rolled.due_at))
    assert rolled.due_at >= plain.due_at
    assert (rolled.due_at == plain.due_at) == CAL.is_workday(end)


@settings(max_examples=200)
@given(
    st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)),
    times_of_day,
    st.integers(min_value=1, max_value=400),
    st.sampled_from(["workday", "day", "hour"]),
    st.booleans(),
)
def test_never_crashes_1900_to_2100(day, t, amount, unit, same_day):
    start = datetime.combine(day, t, tzinfo=SHANGHAI)
    deadline = CAL.deadline(start, amount, unit, same_day=same_day)
    assert deadline.due_at > start
    assert deadline.due_at.utcoffset() == timedelta(0)


# --- examples ---------------------------------------------------------------------------------------


def test_national_day_deadline():
    deadline = CAL.add_working_days(at(2024, 9, 30), 1)
    assert deadline == Deadline(datetime(2024, 10, 8, 15, 59, 59, tzinfo=UTC), provisional=False)
    assert local_day(CAL.add_working_days(at(2024, 9, 30), 1, same_day=True).due_at) == date(2024, 9, 30)


def test_local_day_uses_shanghai_time():
    start = datetime(2024, 2, 3, 16, 30, tzinfo=UTC)  # 2024-02-04 00:30 in Shanghai, a make-up workday
    assert local_day(start) == date(2024, 2, 4)
    assert local_day(CAL.add_working_days(start, 1, same_day=True).due_at) == date(2024, 2, 4)
    assert end_of_local_day(date(2024, 2, 4)) == datetime(2024, 2, 4, 15, 59, 59, tzinfo=UTC)


def test_petition_acceptance_fifteen_days():
    deadline = CAL.deadline(at(2024, 9, 20), 15, "workday")
    assert local_day(deadline.due_at) == date(2024, 10, 16)


# --- provisional years --------------------------------------------------------------------------


def test_deadline_into_unknown_year_is_provisional():
    deadline = CAL.add_working_days(at(2026, 12, 20), 15)
    assert local_day(deadline.due_at) == date(2027, 1, 8)
    assert deadline.provisional


def test_overrides_and_official_year_make_it_official():
    overrides = {date(2027, 1, 1): False}
    cal = WorkCalendar(overrides, official_years={2027})
    deadline = cal.add_working_days(at(2026, 12, 20), 15)
    assert local_day(deadline.due_at) == date(2027, 1, 11)
    assert not deadline.provisional
    more = WorkCalendar({**overrides, date(2027, 1, 4): False}, official_years={2027})
    moved = more.add_working_days(at(2026, 12, 20), 15)
    assert local_day(moved.due_at) == date(2027, 1, 12)
    assert more.working_days_between(local_day(deadline.due_at), local_day(moved.due_at)) == 1
    assert not moved.provisional


def test_overrides_without_official_year_stay_provisional():
    cal = WorkCalendar({date(2027, 1, 1): False})
    assert cal.add_working_days(at(2026, 12, 20), 15).provisional


def test_deadline_inside_known_years_not_provisional_even_if_start_is_unknown():
    assert CAL.add_working_days(at(2003, 12, 1), 5).provisional
    assert not CAL.add_working_days(at(2004, 3, 1), 5).provisional


# --- overrides ------------------------------------------------------------------------------------


def test_overrides_beat_the_package():
    cal = WorkCalendar({date(2024, 2, 4): False, date(2024, 10, 1): True, date(2024, 3, 5): False})
    assert not cal.is_workday(date(2024, 2, 4))
    assert cal.is_workday(date(2024, 10, 1))
    assert not cal.is_workday(date(2024, 3, 5))
    assert local_day(cal.add_working_days(at(2024, 9, 30), 1).due_at) == date(2024, 10, 1)
    assert local_day(cal.add_working_days(at(2024, 3, 4), 1).due_at) == date(2024, 3, 6)


def test_overrides_beat_the_weekend_rule():
    cal = WorkCalendar({date(2030, 6, 1): True, date(2030, 6, 3): False})  # Saturday, Monday
    assert cal.is_workday(date(2030, 6, 1))
    assert not cal.is_workday(date(2030, 6, 3))


# --- natural days and hours ---------------------------------------------------------------------


def test_natural_days_roll_over_holiday():
    start = at(2024, 9, 26)  # Thursday
    assert local_day(CAL.add_natural_days(start, 5).due_at) == date(2024, 10, 8)
    assert local_day(CAL.add_natural_days(start, 5, roll_to_workday=False).due_at) == date(2024, 10, 1)
    assert local_day(CAL.add_natural_days(start, 5, same_day=True).due_at) == date(2024, 9, 30)
    assert CAL.deadline(start, 5, "day") == CAL.add_natural_days(start, 5)


def test_natural_days_rolling_into_unknown_year_is_provisional():
    rolled = CAL.add_natural_days(at(2026, 12, 30), 4)  # ends Sunday 2027-01-03
    assert local_day(rolled.due_at) == date(2027, 1, 4) and rolled.provisional
    assert not CAL.add_natural_days(at(2026, 12, 30), 4, roll_to_workday=False).provisional


def test_add_hours_is_exact():
    start = datetime(2024, 2, 9, 10, 0, tzinfo=UTC)  # Chinese New Year's Eve: no rolling for hours
    assert CAL.add_hours(start, 30) == Deadline(datetime(2024, 2, 10, 16, 0, tzinfo=UTC), provisional=False)
    shanghai = CAL.add_hours(at(2024, 2, 9, 18), 24).due_at
    assert shanghai == datetime(2024, 2, 10, 10, 0, tzinfo=UTC) and shanghai.tzinfo is UTC
    assert CAL.deadline(start, 30, "hour", same_day=True) == CAL.add_hours(start, 30)


# --- rejected input and extreme years -------------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda s: CAL.add_working_days(s, 3),
        lambda s: CAL.add_natural_days(s, 3),
        lambda s: CAL.add_hours(s, 3),
        lambda s: CAL.deadline(s, 3, "workday"),
        local_day,
    ],
)
def test_naive_datetime_rejected(call):
    with pytest.raises(ValueError, match="naive"):
        call(datetime(2024, 5, 6, 9, 0))


@pytest.mark.parametrize("unit", ["week", "workdays", "", "HOUR"])
def test_bad_unit_rejected(unit):
    with pytest.raises(ValueError, match="unit"):
        CAL.deadline(at(2024, 5, 6), 3, unit)


@pytest.mark.parametrize("amount", [0, -1, 2.5, True])
def test_bad_amount_rejected(amount):
    with pytest.raises(ValueError, match="amount"):
        CAL.deadline(at(2024, 5, 6), amount, "workday")


def test_datetime_is_not_a_day():
    with pytest.raises(TypeError):
        CAL.is_workday(at(2024, 5, 6))


@pytest.mark.parametrize("year", [1900, 2100])
def test_extreme_years(year):
    start = datetime(year, 12, 20, 9, 0, tzinfo=UTC)
    for unit in ("workday", "day", "hour"):
        deadline = CAL.deadline(start, 30, unit)
        assert deadline.due_at > start
        assert deadline.provisional == (unit != "hour")
    assert CAL.year_status(year) == "provisional"
    assert CAL.working_days_between(date(year, 1, 1), date(year, 12, 31)) > 250
    assert end_of_local_day(date(year, 6, 1)).tzinfo is UTC
