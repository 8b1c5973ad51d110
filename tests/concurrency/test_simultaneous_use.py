"""Ordinary simultaneous use never fails a submission (issue 9): numbers, urges, and web steps beside two
scheduler processes. The figures are the issue's; `bench/concurrency.py` runs the same scenarios larger."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.org import User
from tests.concurrency import scenarios
from tests.conftest import TEST_URL
from tests.factories import Org, make_item
from workflows import audit


def _org_ids(engine) -> dict:
    with Session(engine, expire_on_commit=False) as db:
        org = Org(db)
        item = make_item(db, org)
        db.commit()
        return {"coordinator": org.coordinator.id, "squad_a": org.squad_a.id, "street_a": org.squad_a.street,
                "item": item.id}


def test_twenty_simultaneous_registrations_get_twenty_distinct_numbers(committed):
    figures = scenarios.simultaneous_registrations(committed, _org_ids(committed), threads=20, rounds=5)
    print(figures | {"errors": len(figures["errors"])})
    assert figures["errors"] == []
    assert figures["registrations"] == figures["distinct"] == 20 * 5 * 3


def test_twenty_simultaneous_urges_count_twenty(committed):
    figures = scenarios.simultaneous_urges(committed, _org_ids(committed), threads=20)
    assert figures == {"errors": [], "rows": 20, "urge_count": 20}


def test_twenty_simultaneous_logins_of_one_user_never_fail(committed):
    username = _org_ids_user(committed)
    figures = scenarios.simultaneous_logins(TEST_URL, username, threads=20, rounds=5)
    assert figures["errors"] == [] and figures["server_errors"] == 0, figures
    assert figures["statuses"] == {302: 100}, figures
    assert figures["audited"] == 100
    with Session(committed) as db:
        user_id = db.scalar(select(User.id).where(User.username == username))
        assert audit.verify_chain(audit.timeline(db, "user", user_id)) is None


def _org_ids_user(engine) -> str:
    with Session(engine, expire_on_commit=False) as db:
        org = Org(db)
        db.commit()
        return org.coordinator.username


def test_web_steps_beside_two_schedulers_never_answer_5xx(committed):
    setup = scenarios.make_overdue_items(committed, 400)
    figures = scenarios.web_steps_beside_schedulers(TEST_URL, setup, web_threads=8, schedulers=2)
    print({k: v for k, v in figures.items() if k != "scheduler_failures"})
    assert figures["server_errors"] == 0 and figures["web_errors"] == [] and figures["scheduler_errors"] == []
    assert figures["requests"] == 400 and figures["statuses"].get(302) == 400, figures["statuses"]
    assert figures["assigned"] == 400
    assert figures["duplicate_notifications"] == 0
    assert figures["scheduler_failures"] == [], "no sweep row failed (a deadlock would be recorded here)"
