"""Benchmark: the cost of one workflow step through Duban's domain layer.

A step = lock the instance row, load the JSON state, complete the task, run the engine, save the
state, rebuild the work_item projection, write the audit row, commit. Prints steps/s, median and p95
milliseconds and SQL statements per step, for SQLite (default) or DATABASE_URL.

    .venv/bin/python bench/engine_step.py [--items 100] [--url postgresql+psycopg://postgres@127.0.0.1:5432/bench]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event, text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

import config  # noqa: E402
from tests.factories import NOW, Org, make_item  # noqa: E402
from webapp import migrate  # noqa: E402
from webapp.db import make_engine  # noqa: E402
from workflows import engine  # noqa: E402
from workflows.items import operations  # noqa: E402

STEPS = [("assign", "coordinator"), ("accept", "a_member"), ("investigate", "a_member"),
         ("draft_reply", "a_member"), ("review", "coordinator"), ("send_reply", "coordinator")]


def values(step, org):
    return {"assign": {"lead_squad_id": org.squad_a.id}, "accept": {"handler_id": org.a_member.id},
            "investigate": {"findings": "核实"}, "draft_reply": {"reply_text": "拟复"},
            "review": {"decision": "approve", "opinion": "同意"},
            "send_reply": {"replied_on": NOW.date(), "method": "document", "summary": "已回复"}}[step]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=100)
    parser.add_argument("--url", default=f"sqlite:///{tempfile.mkdtemp()}/bench.db")
    args = parser.parse_args()
    engine.configure(config.Config.BPMN_FOLDER)
    db_engine = make_engine(args.url)
    if db_engine.dialect.name == "postgresql":
        with db_engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    with db_engine.begin() as conn:
        migrate.upgrade(args.url, conn)
    with Session(db_engine, expire_on_commit=False) as db:
        org = Org(db)
        items = [make_item(db, org) for _ in range(args.items)]
        db.commit()
    statements = [0]
    event.listen(db_engine, "before_cursor_execute", lambda *a: statements.__setitem__(0, statements[0] + 1))
    timings, counts = [], []
    for step, who in STEPS:
        for item in items:
            with Session(db_engine, expire_on_commit=False) as db:
                item = db.merge(item, load=True)
                actor = db.merge(getattr(org, who), load=True)
                work = next(w for w in operations.open_work(db, item) if w.step == step)
                before, start = statements[0], time.perf_counter()
                operations.complete_step(db, actor=actor, now=NOW, item=item, task_uuid=work.task_uuid,
                                         values=values(step, org))
                db.commit()
                timings.append((time.perf_counter() - start) * 1000)
                counts.append(statements[0] - before)
    timings.sort()
    print(f"database: {db_engine.dialect.name}; steps: {len(timings)}")
    print(f"median step: {statistics.median(timings):.2f} ms; p95: {timings[int(len(timings) * 0.95)]:.2f} ms; "
          f"throughput: {1000 / statistics.mean(timings):.0f} steps/s")
    print(f"SQL statements per step: median {statistics.median(counts):.0f}, max {max(counts)}")


if __name__ == "__main__":
    main()
