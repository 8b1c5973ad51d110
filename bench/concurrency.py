"""Benchmark: ordinary simultaneous use at a larger scale than the tests (issue 9). Prints, per scenario,
the figures the tests assert: distinct numbers under simultaneous registration, urge counts, and web steps
completed beside scheduler processes (5xx, deadlocks recorded, duplicate notifications).

    .venv/bin/python bench/concurrency.py [--url postgresql+psycopg://postgres@127.0.0.1:5432/bench]
        [--threads 20] [--rounds 10] [--items 2000] [--web 8] [--schedulers 2]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

import config  # noqa: E402
from tests.concurrency import scenarios  # noqa: E402
from tests.concurrency.conftest import truncate  # noqa: E402
from tests.factories import Org, make_item  # noqa: E402
from webapp import migrate  # noqa: E402
from webapp.db import make_engine  # noqa: E402
from workflows import engine  # noqa: E402


def _fresh(url: str):
    db_engine = make_engine(url)
    if db_engine.dialect.name == "postgresql":
        with db_engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    with db_engine.begin() as conn:
        migrate.upgrade(url, conn)
    return db_engine


def _ids(db_engine) -> dict:
    with Session(db_engine, expire_on_commit=False) as db:
        org = Org(db)
        item = make_item(db, org)
        db.commit()
        return {"coordinator": org.coordinator.id, "squad_a": org.squad_a.id, "street_a": org.squad_a.street,
                "item": item.id}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default=f"sqlite:///{tempfile.mkdtemp()}/bench.db")
    parser.add_argument("--threads", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--web", type=int, default=8)
    parser.add_argument("--schedulers", type=int, default=2)
    args = parser.parse_args()
    engine.configure(config.Config.BPMN_FOLDER)
    db_engine = _fresh(args.url)
    regs = scenarios.simultaneous_registrations(db_engine, _ids(db_engine), args.threads, args.rounds)
    print(f"registrations: {regs['registrations']} made by {args.threads} threads x {args.rounds} rounds x 3 "
          f"families, {regs['distinct']} distinct numbers, {len(regs['errors'])} errors")
    truncate(db_engine)
    urges = scenarios.simultaneous_urges(db_engine, _ids(db_engine), args.threads)
    print(f"urges: {args.threads} at once -> {urges['rows']} rows, urge_count {urges['urge_count']}, "
          f"{len(urges['errors'])} errors")
    truncate(db_engine)
    with Session(db_engine, expire_on_commit=False) as db:
        username = Org(db).coordinator.username
        db.commit()
    logins = scenarios.simultaneous_logins(args.url, username, args.threads, args.rounds)
    print(f"logins: {logins['requests']} of one user by {args.threads} threads x {args.rounds} rounds -> "
          f"statuses {logins['statuses']}, {logins['audited']} audited, {len(logins['errors'])} errors")
    truncate(db_engine)
    setup = scenarios.make_overdue_items(db_engine, args.items)
    web = scenarios.web_steps_beside_schedulers(args.url, setup, args.web, args.schedulers)
    print(f"web steps: {web['requests']} posts by {args.web} threads beside {args.schedulers} schedulers in "
          f"{web['seconds']} s: statuses {web['statuses']}, 5xx {web['server_errors']}, completed {web['assigned']}, "
          f"alerts {web['alerts']}, duplicate notifications {web['duplicate_notifications']}, "
          f"failed sweep rows {len(web['scheduler_failures'])}")
    db_engine.dispose()


if __name__ == "__main__":
    main()
