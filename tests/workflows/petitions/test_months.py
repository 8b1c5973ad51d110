"""Months typed by users never reach impossible dates (year 0, year 10000, non-ASCII digits)."""

from __future__ import annotations

import pytest

from workflows.errors import InvalidInput
from workflows.petitions import months


@pytest.mark.parametrize("month", ["0000-01", "9999-12", "٢٠٢٦-01", "2026-13", "2026-1", "", "2026-01 "])
def test_impossible_months_are_refused(month):
    with pytest.raises(InvalidInput):
        months.bounds(month)


def test_a_month_is_bounded_in_shanghai_time():
    start, end = months.bounds("2026-12")
    assert (start.isoformat(), end.isoformat()) == ("2026-11-30T16:00:00+00:00", "2026-12-31T16:00:00+00:00")
    assert months.following("2099-11") == "2099-12"
