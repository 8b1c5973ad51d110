"""Benchmark: the cost of one workflow step through Duban's domain layer, next to SpiffWorkflow alone.

A step = lock the subject, find the step and lock its instance, load the JSON state, complete the task, run the
engine, save the state, update the work_item projection, the ladder, notifications, the subject projection,
the audit entry, commit. Prints steps/s, median and p95 milliseconds and SQL statements per step, for SQLite
(default) or --url, then bench/engine_alone.py over the same BPMN and steps, and the ratio of the medians.

    .venv/bin/python bench/engine_step.py [--items 100] [--url postgresql+psycopg://postgres@127.0.0.1:5432/bench]
        [--profile 25] (cProfile: the top functions by cumulative time) [--statements] (print one step's SQL)
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import engine_alone  # noqa: E402
from sqlalchemy import event, text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

import config  # noqa: E402
from tests.factories import NOW, Org, finish, make_item, open_work  # noqa: E402
from webapp import migrate  # noqa: E402
from webapp.db import make_engine  # noqa: E402
from workflows import engine  # noqa: E402

STEPS = [("assign", "coordinator"), ("accept", "a_member"), ("investigate", "a_member"),
         ("draft_reply", "a_member"), ("review", "coordinator"), ("send_reply", "coordinator")]


def values(step, org):
    return {"assign": {"lead_squad_id": org.squad_a.id}, "accept": {"handler_id": org.a_member.id},
            "investigate": {"findings": "核实"}, "draft_reply": {"reply_text": "拟复"},
            "review": {"decision": "approve", "opinion": "同意"},
            "send_reply": {"replied_on": NOW.date(), "method": "document", "summary": "已回复"}}[step]


def prepare(url: str, items: int):
    engine.configure(config.Config.BPMN_FOLDER)
    db_engine = make_engine(url)
    if db_engine.dialect.name == "postgresql":
        with db_engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    with db_engine.begin() as conn:
        migrate.upgrade(url, conn)
    with Session(db_engine, expire_on_commit=False) as db:
        org = Org(db)
        subjects = [make_item(db, org) for _ in range(items)]
        db.commit()
    return db_engine, org, subjects


def walk(db_engine, org, items, profile: cProfile.Profile | None = None, show: bool = False):
    """Every step of every item; (milliseconds, statements) per step."""
    log: list[str] = []
    event.listen(db_engine, "before_cursor_execute", lambda conn, cur, sql, *a: log.append(sql))
    timings, cpu, counts = [], [], []
    for step, who in STEPS:
        for n, item in enumerate(items):
            with Session(db_engine, expire_on_commit=False) as db:
                item = db.merge(item, load=True)
                actor = db.merge(getattr(org, who), load=True)
                work = next(w for w in open_work(db, item) if w.step == step)
                log.clear()
                if profile:
                    profile.enable()
                start, start_cpu = time.perf_counter(), time.process_time()
                finish(db, actor=actor, now=NOW, item=item, task_uuid=work.task_uuid, values=values(step, org))
                db.commit()
                timings.append((time.perf_counter() - start) * 1000)
                cpu.append((time.process_time() - start_cpu) * 1000)
                if profile:
                    profile.disable()
                counts.append(len(log))
                if show and n == 0:
                    print(f"-- {step}: {len(log)} statements")
                    for sql in log:
                        print("   ", " ".join(sql.split())[:150])
    return timings, cpu, counts


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=100)
    parser.add_argument("--url", default=f"sqlite:///{tempfile.mkdtemp()}/bench.db")
    parser.add_argument("--profile", type=int, default=0, help="print the top N functions (cProfile)")
    parser.add_argument("--statements", action="store_true", help="print the SQL of each step of the first item")
    args = parser.parse_args()
    db_engine, org, items = prepare(args.url, args.items)
    profile = cProfile.Profile() if args.profile else None
    timings, cpu, counts = walk(db_engine, org, items, profile, args.statements)
    alone = engine_alone.measure(args.items)
    alone_cpu = engine_alone.measure(args.items, time.process_time)
    print(f"database: {db_engine.dialect.name}; steps: {len(timings)}")
    for label, ours, theirs in (("wall", timings, alone), ("cpu of this process", cpu, alone_cpu)):
        ours, theirs = sorted(ours), sorted(theirs)
        median, alone_median = statistics.median(ours), statistics.median(theirs)
        print(f"[{label}] duban step: median {median:.2f} ms, p95 {ours[int(len(ours) * 0.95)]:.2f} ms, "
              f"{1000 / statistics.mean(ours):.0f} steps/s | engine alone: median {alone_median:.2f} ms, "
              f"p95 {theirs[int(len(theirs) * 0.95)]:.2f} ms, {1000 / statistics.mean(theirs):.0f} steps/s | "
              f"ratio {median / alone_median:.2f}x (target <= 2.5x)")
    print(f"SQL statements per step: median {statistics.median(counts):.0f}, max {max(counts)} (target <= 8)")
    if profile:
        pstats.Stats(profile).sort_stats("cumulative").print_stats(args.profile)


if __name__ == "__main__":
    main()
