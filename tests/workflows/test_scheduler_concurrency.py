"""Two scheduler processes (spawned OS processes, each with its own engine) against committed data: every
ladder notification exactly once, none missed. Runs on the test database (PostgreSQL: SKIP LOCKED;
SQLite: a file database with one writer at a time)."""

from __future__ import annotations

import multiprocessing

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

import models
from models.deadlines import OverdueRecord
from models.engine import WorkItem
from models.notifications import Notification
from tests.conftest import TEST_URL
from tests.factories import NOW, Org, make_item
from tests.workflows.deadlines.helpers import days, move_step, step, tick_in_process
from workflows.deadlines import ladder

ITEMS = 60


def _truncate(engine) -> None:
    tables = [t.name for t in models.Base.metadata.sorted_tables]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
        else:
            for name in reversed(tables):
                conn.execute(text(f'DELETE FROM "{name}"'))


@pytest.fixture
def committed(db_engine):
    """Committed data on the test database (own engine), truncated afterwards."""
    from webapp.db import make_engine

    if TEST_URL.startswith("sqlite://") and TEST_URL in ("sqlite://", "sqlite:///:memory:"):
        pytest.skip("needs a file or server database")
    engine = make_engine(TEST_URL)
    with Session(engine, expire_on_commit=False) as db:
        org = Org(db)
        for i in range(ITEMS):
            item = make_item(db, org, title=f"并发测试件{i}")
            move_step(db, step(db, item, "assign"), NOW - days(12), NOW - days(5))
        db.commit()
    yield engine, org
    _truncate(engine)
    engine.dispose()


def test_two_schedulers_send_each_notification_exactly_once(committed):
    engine, org = committed
    spawn = multiprocessing.get_context("spawn")
    results = spawn.Queue()
    procs = [spawn.Process(target=tick_in_process, args=(TEST_URL, NOW.isoformat(), 2, results)) for _ in range(2)]
    for p in procs:
        p.start()
    outcomes = [results.get(timeout=180) for _ in procs]
    for p in procs:
        p.join(60)
    assert not [o for o in outcomes if isinstance(o, BaseException)], outcomes
    processed = [n for o in outcomes for n in o]
    print("alerts per scheduler and round:", outcomes)
    assert sum(processed) == ITEMS, "each due row claimed by exactly one scheduler"
    with Session(engine) as db:
        stages = db.scalars(select(WorkItem.alert_stage).where(WorkItem.step == "assign")).all()
        assert len(stages) == ITEMS and set(stages) == {ladder.ESCALATED}, "none missed"
        per_kind = dict(db.execute(select(Notification.kind, func.count()).group_by(Notification.kind)).all())
        # each step: yellow and red warnings to its holder (the coordinator), overdue alert, escalation
        assert per_kind.get("warning") == 2 * ITEMS and per_kind.get("overdue") == ITEMS
        assert per_kind.get("escalated") == ITEMS
        keys = db.scalars(select(Notification.key)).all()
        assert len(keys) == len(set(keys))
        assert db.scalar(select(func.count()).select_from(Notification).where(
            Notification.user_id == org.leader.id)) == ITEMS
        assert db.scalar(select(func.count()).select_from(OverdueRecord)) == ITEMS
