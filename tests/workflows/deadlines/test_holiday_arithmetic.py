"""Pause and extension arithmetic across National Day and the Spring Festival, checked against the published
calendar itself (chinese_calendar), not against our own calendar code."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import chinese_calendar
import pytest

from models.items import ItemKind
from tests.factories import finish, make_item, make_petition, open_work
from workflows.calendar import LOCAL_TZ, local_day
from workflows.deadlines import requests


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=LOCAL_TZ).astimezone(UTC)


def workdays_after(day: date, n: int) -> date:
    """The n-th official working day after `day`, straight from chinese_calendar."""
    return chinese_calendar.find_workday(n, day)


def paused(since: date, until: date) -> int:
    """Official working days d with since < d <= until."""
    return len([d for d in chinese_calendar.get_workdays(since, until) if d > since])


@pytest.mark.parametrize("since,until", [(date(2026, 9, 28), date(2026, 10, 12)),  # 国庆中秋 2026
                                         (date(2026, 2, 12), date(2026, 2, 26))])  # 春节 2026
def test_a_suspension_moves_the_deadline_by_the_official_working_days_it_lasted(db, org, since, until):
    received = at(since)  # registered the morning it is suspended
    item = make_item(db, org, kind=ItemKind.CITY_BUREAU_LEADER, now=received, received_at=received)
    before = local_day(item.deadline_at)
    assert before == workdays_after(since, 7), "7 working days, next-day counting, by the official calendar"
    requests.request_suspension(db, actor=org.coordinator, now=at(since, 11), family="instructed_item",
                                subject_id=item.id, reason="等待认定")
    requests.resume(db, actor=org.coordinator, now=at(until, 9), family="instructed_item", subject_id=item.id)
    assert local_day(item.deadline_at) == workdays_after(before, paused(since, until))


def test_a_petition_extension_is_capped_at_thirty_official_working_days_across_the_holidays(db, org):
    received = at(date(2026, 8, 20))
    petition = make_petition(db, org, now=received, received_at=received)
    base = local_day(petition.deadline_at)
    assert base == workdays_after(date(2026, 8, 20), 60), "60 working days, across National Day"
    finish(db, actor=org.coordinator, now=received, petition=petition, task_uuid=open_work(db, petition)[0].task_uuid,
           values={"decision": "assign", "squad_id": org.squad_a.id})
    limit = workdays_after(base, 30)
    from workflows.errors import InvalidInput

    with pytest.raises(InvalidInput):
        requests.request_extension(db, actor=org.a_member, now=received, family="petition", subject_id=petition.id,
                                   new_date=workdays_after(base, 31), reason="需鉴定")
    req = requests.request_extension(db, actor=org.a_member, now=received, family="petition",
                                     subject_id=petition.id, new_date=limit, reason="需鉴定")
    requests.decide(db, actor=org.coordinator, now=received, request_id=req.id, approve=True)
    assert local_day(petition.deadline_at) == limit
