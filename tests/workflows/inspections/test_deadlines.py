"""Rectification deadlines run on the working calendar (checked against chinese_calendar itself), and the
rectification takes the shared clock's extension like every family."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import chinese_calendar

from tests.factories import make_finding, open_work
from workflows.calendar import LOCAL_TZ, local_day
from workflows.deadlines import requests
from workflows.inspections.family import RECTIFY_STEP_DAYS, RECTIFY_TOTAL_DAYS


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=LOCAL_TZ).astimezone(UTC)


def test_rectification_deadlines_skip_national_day(db, org):
    confirm_day = date(2026, 9, 28)
    finding = make_finding(db, org, confirm_day)
    assert local_day(finding.deadline_at) == chinese_calendar.find_workday(RECTIFY_TOTAL_DAYS, confirm_day)
    rectify = next(w for w in open_work(db, finding) if w.step == "rectify")
    expected = chinese_calendar.find_workday(RECTIFY_STEP_DAYS["rectify"], confirm_day)
    assert local_day(rectify.due_at) == expected
    assert expected > confirm_day + timedelta(days=14), "the Golden Week does not count"


def test_a_rectification_is_extended_with_the_shared_clock(db, org):
    confirm_day = date(2026, 11, 2)
    finding = make_finding(db, org, confirm_day)
    before = finding.deadline_at
    wanted = chinese_calendar.find_workday(5, local_day(before))
    request = requests.request_extension(db, actor=org.a_leader, now=at(confirm_day, 15), family="finding",
                                         subject_id=finding.id, new_date=wanted, reason="需协调街道共同整改")
    requests.decide(db, actor=org.coordinator, now=at(confirm_day, 16), request_id=request.id, approve=True)
    assert local_day(finding.deadline_at) == wanted
    assert finding.extension_count == 1
