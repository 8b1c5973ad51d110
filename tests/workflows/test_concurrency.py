"""Two people completing the same step at the same moment: exactly one wins, the rest get Conflict."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from models import Base
from models.engine import ProcessInstance
from models.items import SupervisedItem
from models.org import User
from tests.factories import NOW, Org, finish, make_item, open_work
from workflows import audit
from workflows.errors import Conflict

THREADS = 6


@pytest.fixture
def committed(db_engine):
    """Committed data on the shared test database, removed afterwards."""
    with Session(db_engine) as session:
        org = Org(session)
        item = make_item(session, org)
        session.commit()
        ids = {"item": item.id, "coordinator": org.coordinator.id, "squads": [org.squad_a.id, org.squad_b.id],
               "task_uuid": open_work(session, item)[0].task_uuid}
    yield ids
    with db_engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(delete(table))


def _complete(db_engine, ids, squad_id, barrier, results):
    with Session(db_engine, expire_on_commit=False) as session:
        try:
            barrier.wait(timeout=10)
            item = session.get(SupervisedItem, ids["item"])
            actor = session.get(User, ids["coordinator"])
            finish(session, actor=actor, now=NOW, item=item, task_uuid=ids["task_uuid"],
                                     values={"lead_squad_id": squad_id})
            session.commit()
            results.append(("ok", squad_id))
        except Conflict:
            session.rollback()
            results.append(("conflict", squad_id))
        except Exception as exc:  # noqa: BLE001 - any other outcome fails the test below
            session.rollback()
            results.append(("error", repr(exc)))


def test_exactly_one_completion_wins(db_engine, committed):
    barrier = threading.Barrier(THREADS)
    results: list = []
    threads = [threading.Thread(target=_complete, args=(db_engine, committed, committed["squads"][i % 2], barrier,
                                                         results)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    outcomes = sorted(r[0] for r in results)
    assert outcomes == ["conflict"] * (THREADS - 1) + ["ok"], results
    winner = next(r[1] for r in results if r[0] == "ok")
    with Session(db_engine) as session:
        item = session.get(SupervisedItem, committed["item"])
        assert item.lead_squad_id == winner
        instance = session.get(ProcessInstance, item.instance_id)
        assert instance.lock_version == 2, "one save after the start, no lost or double update"
        steps = [e.step for e in audit.timeline(session, "instructed_item", item.id)]
        assert steps == [None, "assign"]
        assert [w.step for w in open_work(session, item)] == ["accept"]
        assert session.scalar(select(SupervisedItem.id).where(SupervisedItem.id == item.id))
