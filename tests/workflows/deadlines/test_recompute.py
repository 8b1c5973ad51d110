"""A deadline that runs from 2026-12 into 2027 is provisional until the 2027 calendar is entered."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from models.deadlines import ClockEvent
from models.items import ItemKind
from tests.factories import make_item
from tests.workflows.deadlines.helpers import step
from workflows.calendar import end_of_local_day, mark_year_complete, set_override
from workflows.deadlines.recompute import recompute_provisional

RECEIVED = datetime(2026, 12, 24, 2, 0, tzinfo=UTC)  # Thursday 10:00 Shanghai


def test_provisional_deadline_is_recomputed_when_2027_is_entered(db, org):
    item = make_item(db, org, kind=ItemKind.CITY_LEADER, now=RECEIVED, received_at=RECEIVED)
    # 10 working days from 12-25 with the weekend rule for 2027: 12-25, 28-31, 01-01, 01-04..01-07
    assert item.deadline_at == end_of_local_day(date(2027, 1, 7)) and item.deadline_provisional
    assert recompute_provisional(db, RECEIVED) == 0, "nothing changed yet"
    for day in (date(2027, 1, 1), date(2027, 1, 4)):
        set_override(db, day=day, is_workday=False, note="元旦", actor_id=org.admin.id, now=RECEIVED)
    mark_year_complete(db, year=2027, complete=True, actor_id=org.admin.id, now=RECEIVED)
    assert recompute_provisional(db, RECEIVED) == 1
    assert item.deadline_at == end_of_local_day(date(2027, 1, 11)) and not item.deadline_provisional
    assert item.next_alert_at is not None and item.next_alert_at <= item.deadline_at, "ladder re-armed"
    assert not step(db, item, "assign").due_provisional
    event = db.scalar(select(ClockEvent).where(ClockEvent.subject_id == item.id, ClockEvent.kind == "recomputed"))
    assert event.old_deadline_at == end_of_local_day(date(2027, 1, 7))
    assert recompute_provisional(db, RECEIVED) == 0, "a second run changes nothing"


def test_given_date_becomes_official_without_moving(db, org):
    item = make_item(db, org, now=RECEIVED, received_at=RECEIVED, deadline_on=date(2027, 1, 15))
    assert item.deadline_provisional and item.deadline_basis == "given"
    mark_year_complete(db, year=2027, complete=True, actor_id=org.admin.id, now=RECEIVED)
    recompute_provisional(db, RECEIVED)
    assert item.deadline_at == end_of_local_day(date(2027, 1, 15)) and not item.deadline_provisional
