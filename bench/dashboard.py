"""Benchmark: the leaders' dashboard (领导驾驶舱) at scale.

    .venv/bin/python bench/dashboard.py [--subjects 1000000] [--url postgresql+psycopg://postgres@127.0.0.1:5432/duban_score]

Resets the database's schema (use a database of your own), migrates it, and fills the cross-family projections
with a minimal generator (SQL generate_series: the subject rows of five families over six years — 95 % closed,
the rest open with open steps — and a year of ledger lines). Then it prints the server time of the figures
(all six charts) and of the whole page (a leader's GET /scores/dashboard through the app), median of
several runs, and the plans of two queries. Target: under 300 ms at 1 M subjects on PostgreSQL.
Measured on the 2-core machine at 1 M subjects: figures 67 ms, page 92 ms (before the closed-subject rollup of
0019_rollups: 113 ms and 136 ms; the year's on-time chart alone went from 31 ms to 3 ms).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import UTC, datetime

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from sqlalchemy import text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/duban_score"
BENCH_PASSWORD = "Bench-dashboard-2026"
NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
FAMILIES = ("instructed_item", "petition", "major_case", "referral", "instructed_item")
LEVELS = ("blue", "blue", "blue", "yellow", "orange", "red")

SUBJECTS = """
INSERT INTO subject (family, subject_id, number, title, kind, status, current_step_name, squad_id, handler_id,
                     registered_by_id, registered_at, closed_at, deadline_at, deadline_provisional, suspended, level,
                     search_text, updated_at)
SELECT (ARRAY['instructed_item','petition','major_case','referral','instructed_item'])[1 + g % 5], g, 'B' || g,
       '基准事项' || g, 1 + g % 6, CASE WHEN g % 20 = 0 THEN 'open' ELSE 'closed' END, '', 1 + g % 10,
       NULL, NULL, reg, CASE WHEN g % 20 = 0 THEN NULL ELSE reg + interval '1 day' * (1 + g % 25) END,
       reg + interval '1 day' * 20, false, false,
       CASE WHEN g % 20 = 0 THEN (ARRAY['blue','blue','blue','yellow','orange','red'])[1 + g % 6] ELSE 'blue' END,
       '', :now
FROM (SELECT g, :now - interval '1 minute' * ((g::bigint * 3153600) / :n) AS reg
      FROM generate_series(1, :n) AS g) AS s
"""
WORK = """
INSERT INTO work_item (instance_id, task_uuid, family, subject_id, subject_number, subject_title, step, step_name,
                       step_group, squad_id, started_at, due_at, due_provisional, alert_stage)
SELECT :instance, lpad(s.subject_id::text, 36, '0'), s.family, s.subject_id, s.number, s.title, 'investigate',
       '调查取证', 'squad', s.squad_id, s.registered_at, s.deadline_at, false, 0
FROM subject s WHERE s.status = 'open'
"""
ENTRIES = """
INSERT INTO score_entry (key, rule_id, code, source, source_id, family, subject_id, step, squad_id, person_id,
                         occurred_at, month, note, squad_points, person_points, status)
SELECT 'bench:' || g, :rule, 'overdue_open', 'overdue', g, 'instructed_item', g, NULL, 1 + g % 10, NULL,
       :now - interval '1 hour' * (g % 8000), to_char((:now - interval '1 hour' * (g % 8000)) AT TIME ZONE
       'Asia/Shanghai', 'YYYY-MM'), '', -1, 0, 'counted'
FROM generate_series(1, :entries) AS g
"""


def reset(url: str) -> None:
    from webapp import migrate
    from webapp.db import make_engine

    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    with engine.begin() as conn:
        migrate.upgrade(url, conn)
    engine.dispose()


def populate(url: str, n: int) -> None:
    from models.engine import ProcessInstance, ProcessVersion
    from models.org import Role, Section, Squad, User
    from webapp.db import make_engine
    from workflows.scoring import rules

    engine = make_engine(url)
    with Session(engine) as db:
        for code, name in (("coordination", "协调科"), ("legal", "法制科"), ("inspection", "督察科")):
            db.add(Section(code=code, name=name))
        db.add_all([Squad(code=f"s{i}", name=f"基准中队{i}", street=f"街道{i}") for i in range(1, 11)])
        db.add(User(username="leader", name="局领导", password_hash="x", role=Role.LEADER, active=True,
                    created_at=NOW))
        version = ProcessVersion(process_id="bench", number=1, sha256="0" * 64, spec_json="{}", bpmn_xml="",
                                 created_at=NOW)
        db.add(version)
        db.flush()
        instance = ProcessInstance(version_id=version.id, family="bench", subject_id=0, state="{}",
                                   serializer_version="1", status="running", updated_at=NOW)
        db.add(instance)
        rules.seed_year(db, year=2026, now=NOW)
        db.flush()
        rule = next(r for r in rules.current(db, 2026) if r.code == "overdue_open")
        started = time.perf_counter()
        db.execute(text(SUBJECTS), {"n": n, "now": NOW})
        db.execute(text(WORK), {"instance": instance.id})
        db.execute(text(ENTRIES), {"rule": rule.id, "now": NOW, "entries": max(n // 20, 1000)})
        db.commit()
        print(f"generated {n:,} subjects in {time.perf_counter() - started:.1f} s")
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
    engine.dispose()


def _median(fn, runs: int) -> float:
    fn()  # warm the caches once
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def measure(url: str, runs: int) -> None:
    import config
    from models.org import User
    from webapp import create_app
    from webapp.db import make_engine
    from workflows import passwords
    from workflows.scoring import dashboard

    engine = make_engine(url)
    with Session(engine) as db:
        figures = _median(lambda: dashboard.all_charts(db, year=2026, month="2026-10", now=NOW), runs)
        print(f"figures (six charts): median {figures:.0f} ms over {runs} runs")
        for label, sql in (("on-time by squad and month (rollup)", "SELECT squad_id, month, sum(closed), "
                            "sum(on_time) FROM closed_rollup WHERE month >= '2026-01' AND month <= '2026-12' "
                            "AND squad_id != 0 GROUP BY squad_id, month"),
                           ("open work by age", "SELECT family, count(*) FROM work_item GROUP BY family")):
            plan = db.execute(text("EXPLAIN (ANALYZE, BUFFERS) " + sql)).scalars().all()
            print(f"plan, {label}:\n  " + "\n  ".join(plan[:6]))
        leader = db.query(User).filter_by(username="leader").one()
        leader.password_hash, leader.must_change_password = passwords.make_hash(BENCH_PASSWORD), False
        db.commit()
    app = create_app(config.Config, DATABASE_URL=url, WTF_CSRF_ENABLED=False)
    client = app.test_client()
    client.post("/login", data={"username": "leader", "password": BENCH_PASSWORD})
    status = client.get("/scores/dashboard?year=2026&month=2026-10").status_code
    if status != 200:
        sys.exit(f"the leader's dashboard answered {status}")
    page = _median(lambda: client.get("/scores/dashboard?year=2026&month=2026-10"), runs)
    print(f"page GET /scores/dashboard (status {status}): median {page:.0f} ms over {runs} runs")
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--subjects", type=int, default=1_000_000)
    parser.add_argument("--url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="measure the data already there")
    args = parser.parse_args()
    if not args.url.startswith("postgresql"):
        sys.exit("the dashboard benchmark needs PostgreSQL (--url postgresql+psycopg://...)")
    if not args.keep:
        reset(args.url)
        populate(args.url, args.subjects)
    measure(args.url, args.runs)


if __name__ == "__main__":
    main()
