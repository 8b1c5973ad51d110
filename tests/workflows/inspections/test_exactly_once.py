"""The task list opens each period's round exactly once: two real scheduler processes tick at the same time on
committed data (PostgreSQL: the task row under SKIP LOCKED and the unique task+period key; SQLite: one writer)."""

from __future__ import annotations

import multiprocessing
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.inspections import InspectionRound
from tests.conftest import TEST_URL
from tests.factories import Org, make_templates
from tests.workflows.test_scheduler_concurrency import _truncate
from workflows.inspections import rounds, tasklist

NOW = datetime(2026, 11, 3, 1, 0, tzinfo=UTC)  # November: a monthly period and the Q4 period are current


def _tick(url: str, now_iso: str, results) -> None:
    import config
    from webapp.db import make_engine
    from workflows import engine, scheduler

    engine.configure(config.Config.BPMN_FOLDER)
    own = make_engine(url)
    try:
        results.put([scheduler.tick(lambda: Session(own, expire_on_commit=False), datetime.fromisoformat(now_iso))
                     .rounds for _ in range(2)])
    except BaseException as exc:  # noqa: BLE001 - reported to the parent
        results.put(exc)
    finally:
        own.dispose()


@pytest.fixture
def committed(db_engine):
    from webapp.db import make_engine

    if TEST_URL in ("sqlite://", "sqlite:///:memory:"):
        pytest.skip("needs a file or server database")
    engine = make_engine(TEST_URL)
    with Session(engine, expire_on_commit=False) as db:
        org = Org(db)
        made = make_templates(db)
        for code, frequency in (("case_review", "monthly"), ("team_management", "quarterly"),
                                ("publicity", "half_yearly"), ("special_action", "ad_hoc")):
            tasklist.add_task(db, actor=org.admin, now=NOW, spec=tasklist.TaskSpec(
                2026, "law", f"{code} 任务", frequency, org.legal.id, made[code].id))
        db.commit()
    yield engine
    _truncate(engine)
    engine.dispose()


def test_two_schedulers_open_each_period_once(committed):
    spawn = multiprocessing.get_context("spawn")
    results = spawn.Queue()
    procs = [spawn.Process(target=_tick, args=(TEST_URL, NOW.isoformat(), results)) for _ in range(2)]
    for p in procs:
        p.start()
    outcomes = [results.get(timeout=240) for _ in procs]
    for p in procs:
        p.join(60)
    assert not [o for o in outcomes if isinstance(o, BaseException)], outcomes
    print("rounds opened per scheduler and tick:", outcomes)
    assert sum(n for o in outcomes for n in o) == 3, "monthly, quarterly and half-yearly: one each; ad hoc none"
    with Session(committed) as db:
        periods = sorted(db.scalars(select(InspectionRound.period)))
        assert periods == ["2026-11", "2026-H2", "2026-Q4"]
        assert db.scalar(select(func.count(InspectionRound.id)).where(InspectionRound.task_id.is_(None))) == 0


def test_a_second_sweep_in_the_same_period_opens_nothing(db, org):
    made = make_templates(db)
    tasklist.add_task(db, actor=org.admin, now=NOW, spec=tasklist.TaskSpec(
        2026, "law", "案卷评查", "monthly", org.legal.id, made["case_review"].id, due_days=10))
    assert rounds.open_due(db, NOW) == 1
    assert rounds.open_due(db, NOW.replace(day=20)) == 0
    assert rounds.open_due(db, datetime(2026, 12, 1, 1, tzinfo=UTC)) == 1
    grid = tasklist.grid(db, 2026, datetime(2026, 12, 2, tzinfo=UTC))
    states = {p.key: state for p, _, state in grid[0][1]}
    assert states["2026-11"] == "overdue" and states["2026-12"] == "open" and states["2026-10"] == "missing"
