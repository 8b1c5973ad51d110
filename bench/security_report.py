"""Security figures for issue 15: log-in timing for a known and an unknown user (production argon2id cost),
tamper trials detected by `audit-verify`, and the size of the role x route matrix (every GET/POST route x
roles). Prints figures; the pass/fail checks live in tests/security.

    .venv/bin/python bench/security_report.py [--logins 30] [--trials 420]
"""

from __future__ import annotations

import argparse
import contextlib
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

import config  # noqa: E402
from tests.factories import Org  # noqa: E402
from tests.security import test_audit_tamper as tamper  # noqa: E402
from webapp import create_app, migrate  # noqa: E402
from webapp.db import Database  # noqa: E402
from workflows import login, passwords  # noqa: E402


def _timing(db, org, rounds: int) -> tuple[float, float]:
    from datetime import UTC, datetime

    passwords.configure(config.Config.ARGON2_TIME_COST, config.Config.ARGON2_MEMORY_KIB,
                        config.Config.ARGON2_PARALLELISM)
    org.a_member.password_hash = passwords.make_hash("Known!2026")
    db.flush()
    known, unknown = [], []
    for i in range(rounds):
        for name, bucket in ((org.a_member.username, known), (f"ghost{i}", unknown)):
            start = time.perf_counter()
            with contextlib.suppress(login.LoginRefused):
                login.authenticate(db, username=name, password="wrong", address=f"10.1.{i}.1",
                                   now=datetime.now(UTC), limits=login.Limits(threshold=10**6))
            bucket.append((time.perf_counter() - start) * 1000)
    return statistics.median(known), statistics.median(unknown)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--logins", type=int, default=30)
    parser.add_argument("--trials", type=int, default=tamper.TRIALS)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="duban-sec-"))
    url = f"sqlite:///{folder / 'sec.db'}"
    migrate.upgrade(url)
    app = create_app(config.TestConfig, DATABASE=Database(url))
    engine = create_engine(url)
    with Session(engine, expire_on_commit=False) as db:
        org = Org(db)
        known, unknown = _timing(db, org, args.logins)
        db.rollback()
    print(f"log-in, wrong password, median of {args.logins}: known user {known:.1f} ms, unknown user "
          f"{unknown:.1f} ms, difference {abs(known - unknown):.1f} ms")
    (folder / "tamper").mkdir()
    base = tamper.build_base(folder / "tamper")
    rng, detected = random.Random(15), 0
    for trial in range(args.trials):
        copy = folder / f"t{trial}.db"
        shutil.copy(base / "base.db", copy)
        con = sqlite3.connect(copy)
        tamper._tamper(con, tamper.KINDS[trial % len(tamper.KINDS)], rng)
        con.commit()
        con.close()
        detected += not tamper._verify(copy, base / "seals.jsonl").intact
        copy.unlink()
    print(f"tamper trials: {args.trials} of {len(tamper.KINDS)} kinds, detected {detected}")
    routes = sum(len({"GET", "POST"} & rule.methods) for rule in app.url_map.iter_rules()
                 if rule.endpoint not in ("static", "assets.vendor"))
    print(f"role x route matrix: {routes} route-methods x 11 kinds of user = {routes * 11} requests per run")
    engine.dispose()
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
