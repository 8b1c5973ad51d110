"""Helpers for deadline tests: a session factory on the test's connection, moving a step's dates."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.engine import WorkItem
from models.notifications import Notification
from tests.factories import open_work


def session_factory(connection):
    """What the scheduler gets: new sessions, each commit only releases a savepoint of the test."""
    return lambda: Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)


def step(db, item, name: str) -> WorkItem:
    return next(w for w in open_work(db, item) if w.step == name)


def move_step(db, work: WorkItem, started: datetime, due: datetime) -> None:
    """Move the step's data into the past (never the clock) and re-arm its ladder."""
    from workflows.deadlines import ladder

    work.started_at, work.due_at, work.alert_stage = started, due, 0
    ladder.arm_work(ladder.Context(db), work)
    db.flush()


def keys(db, prefix: str = "") -> list[str]:
    return sorted(db.scalars(select(Notification.key).where(Notification.key.like(prefix + "%"))))


def count(db, **where) -> int:
    query = select(func.count()).select_from(Notification)
    for name, value in where.items():
        query = query.where(getattr(Notification, name) == value)
    return db.scalar(query)


def days(n: float) -> timedelta:
    return timedelta(days=n)


def tick_in_process(url: str, now_iso: str, rounds: int, results) -> None:
    """A scheduler in its own OS process (spawned): parse the models, tick `rounds` times, report alerts."""
    import config
    from webapp.db import make_engine
    from workflows import engine, scheduler

    engine.configure(config.Config.BPMN_FOLDER)
    own = make_engine(url)
    try:
        now = datetime.fromisoformat(now_iso)
        results.put([scheduler.tick(lambda: Session(own, expire_on_commit=False), now).alerts
                     for _ in range(rounds)])
    except BaseException as exc:  # noqa: BLE001 - reported to the parent
        results.put(exc)
    finally:
        own.dispose()
