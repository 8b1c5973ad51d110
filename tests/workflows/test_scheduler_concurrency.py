"""Two schedulers (threads, each with its own engine and connections) against committed data: every
ladder notification exactly once, none missed. Runs on the test database (PostgreSQL: SKIP LOCKED;
SQLite: a file database with one writer at a time)."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

import models
from models.deadlines import OverdueRecord
from models.engine import WorkItem
from models.notifications import Notification
from tests.conftest import TEST_URL
from tests.factories import NOW, Org, make_item
from tests.workflows.deadlines.helpers import days, move_step, step
from workflows import scheduler
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
    from webapp.db import make_engine

    engine, org = committed
    errors: list[BaseException] = []
    processed: list[int] = []

    def run() -> None:
        own = make_engine(TEST_URL)
        try:
            for _ in range(2):
                processed.append(scheduler.tick(lambda: Session(own, expire_on_commit=False), NOW).alerts)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)
        finally:
            own.dispose()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors
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
