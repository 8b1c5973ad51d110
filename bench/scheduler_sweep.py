"""Benchmark: a scheduler sweep over many open work items of which few are due.

    .venv/bin/python bench/scheduler_sweep.py [--open 10000] [--due 20] [--url sqlite:////tmp/sweep.db]

Prints the time of a sweep, the SQL statements it ran, how many work_item rows it loaded, and the query
plan of the due-row query (it must use ix_work_item_next_alert_at, never scan or deserialize workflows).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from sqlalchemy import event, insert, select, text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from models.engine import ProcessInstance, ProcessVersion, WorkItem  # noqa: E402
from models.org import Role, Section, User  # noqa: E402
from webapp import migrate  # noqa: E402
from webapp.db import make_engine  # noqa: E402
from workflows import scheduler  # noqa: E402

NOW = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)


def populate(engine, open_rows: int, due: int) -> None:
    with Session(engine) as db:
        section = Section(code="coordination", name="协调科")
        db.add(section)
        db.flush()
        db.add_all([User(username=f"xtk{i}", name=f"协调员{i}", password_hash="x", role=Role.COORDINATOR,
                         section_id=section.id, active=True, created_at=NOW) for i in range(3)])
        db.add(User(username="leader", name="局领导", password_hash="x", role=Role.LEADER, active=True, created_at=NOW))
        version = ProcessVersion(process_id="bench", sha256="0" * 64, spec_json="{}", bpmn_xml="", created_at=NOW)
        db.add(version)
        db.flush()
        instance = ProcessInstance(version_id=version.id, family="bench", subject_id=1, state="{}",
                                   serializer_version="1", status="running", updated_at=NOW)
        db.add(instance)
        db.flush()
        rows = []
        for i in range(open_rows):
            is_due = i < due
            due_at = NOW - timedelta(days=5) if is_due else NOW + timedelta(days=3 + i % 30)
            rows.append({"instance_id": instance.id, "task_uuid": f"{i:036d}", "family": "bench", "subject_id": i,
                         "subject_number": f"B-{i}", "subject_title": "基准测试", "step": "review",
                         "step_name": "审核", "step_group": "coordination", "started_at": due_at - timedelta(days=7),
                         "due_at": due_at, "due_provisional": False, "alert_stage": 0,
                         "next_alert_at": NOW - timedelta(days=6) if is_due else due_at - timedelta(days=1)})
        db.execute(insert(WorkItem), rows)
        db.commit()
    with engine.begin() as conn:
        conn.execute(text("ANALYZE"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--open", type=int, default=10_000)
    parser.add_argument("--due", type=int, default=20)
    parser.add_argument("--url", default=f"sqlite:///{tempfile.mkdtemp(prefix='duban-bench-')}/sweep.db")
    args = parser.parse_args()
    engine = make_engine(args.url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    with engine.begin() as conn:
        migrate.upgrade(args.url, conn)
    t0 = time.perf_counter()
    populate(engine, args.open, args.due)
    print(f"database: {engine.dialect.name}; {args.open:,} open work items, {args.due} due "
          f"(populated in {time.perf_counter() - t0:.1f} s)")
    statements: list[str] = []
    loaded = {"work_item": 0}
    event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    event.listen(Session, "loaded_as_persistent",
                 lambda s, obj: loaded.__setitem__("work_item", loaded["work_item"] + isinstance(obj, WorkItem)))
    for label in ("first sweep (due rows)", "second sweep (nothing due)"):
        statements.clear()
        loaded["work_item"] = 0
        t0 = time.perf_counter()
        result = scheduler.tick(lambda: Session(engine, expire_on_commit=False), NOW)
        ms = (time.perf_counter() - t0) * 1000
        print(f"{label}: {ms:.1f} ms, alerts {result.alerts}, SQL statements {len(statements)}, "
              f"work_item rows loaded {loaded['work_item']}, failures {len(result.failures)}")
    due_query = select(WorkItem.id).where(WorkItem.next_alert_at <= NOW).order_by(WorkItem.next_alert_at).limit(500)
    sql = str(due_query.compile(engine, compile_kwargs={"literal_binds": True}))
    explain = "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN "
    with engine.connect() as conn:
        plan = [" ".join(str(c) for c in row) for row in conn.execute(text(explain + sql))]
    print("due-row query plan:", " | ".join(plan))
    engine.dispose()


if __name__ == "__main__":
    main()
