"""Letters issued at the same moment on committed data: every number once, none skipped."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from models import Base
from models.cases import MajorCase, SupervisionLetter
from models.org import User
from tests.factories import NOW, Org, make_case
from workflows.cases import letters, operations

THREADS = 8


@pytest.fixture
def committed(db_engine):
    """Committed data on the shared test database, removed afterwards."""
    with Session(db_engine) as session:
        org = Org(session)
        case = make_case(session, org, forms=["letter"])
        session.commit()
        ids = {"case": case.id, "coordinator": org.coordinator.id}
    yield ids
    with db_engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(delete(table))


def _issue(db_engine, ids, barrier, results, roll_back=False):
    with Session(db_engine, expire_on_commit=False) as session:
        try:
            barrier.wait(timeout=10)
            case = session.get(MajorCase, ids["case"])
            actor = session.get(User, ids["coordinator"])
            letter = letters.issue(session, actor=actor, now=NOW, case=case, points=operations.points(session, case))
            if roll_back:
                session.rollback()
                results.append(("rolled back", letter.seq))
                return
            session.commit()
            results.append(("ok", letter.seq))
        except Exception as exc:  # noqa: BLE001 - any other outcome fails the test below
            session.rollback()
            results.append(("error", repr(exc)))


def test_concurrent_letters_get_consecutive_numbers(db_engine, committed):
    barrier = threading.Barrier(THREADS)
    results: list = []
    threads = [threading.Thread(target=_issue, args=(db_engine, committed, barrier, results, i == 3))
               for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not [r for r in results if r[0] == "error"], results
    with Session(db_engine) as session:
        rows = list(session.scalars(select(SupervisionLetter).order_by(SupervisionLetter.seq)))
    assert [r.seq for r in rows] == list(range(1, THREADS)), "one rolled back: its number is given to the next"
    assert len({r.number for r in rows}) == THREADS - 1
    assert rows[0].number == "长城管督〔2026〕1号"
