"""Figures of issue 17 (主办/协办, 退单/改派, 专案研究) on the demo bureau, and what they cost.

    .venv/bin/python bench/responsibility.py [--url sqlite:////tmp/duban_resp.db]

Migrates a fresh database (SQLite in a temporary folder unless --url names one; its schema is dropped first on
PostgreSQL), loads the demo organisation and the responsibility demo (co-squads, returns, meetings), then prints
for the demo's month, per squad, the bulletin's new columns (协办件, 协办超期, 退单, 退单被驳回) next to the count
of the rows behind them, the diagram marks of the subjects with returns, and the time of the load, of the
month's bulletin and of one diagram's marks (median of a few runs).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from sqlalchemy import func, select, text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

NOW = datetime(2026, 11, 25, 6, 0, tzinfo=UTC)


def _median_ms(fn, runs: int = 5) -> float:
    fn()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def prepare(url: str):
    from webapp import migrate
    from webapp.db import make_engine

    engine = make_engine(url)
    if url.startswith("postgresql"):
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    with engine.begin() as conn:
        migrate.upgrade(url, conn)
    return engine


def rows_behind(db: Session, squad_id: int, start: datetime, end: datetime) -> tuple[int, int]:
    from models.responsibility import JurisdictionReturn
    from workflows.tasks import returns

    filed = list(db.scalars(select(JurisdictionReturn).where(JurisdictionReturn.squad_id == squad_id,
                                                             JurisdictionReturn.filed_at >= start,
                                                             JurisdictionReturn.filed_at < end)))
    return len(filed), sum(1 for r in filed if returns.rejected(r))


def report(db: Session, month: str) -> None:
    from workflows import bulletins
    from workflows.petitions import months

    start, end = months.bounds(month)
    print(f"{'中队':<12}{'协办件':>6}{'协办超期':>8}{'退单':>6}{'被驳回':>6}   (退单 / 被驳回 counted from the rows)")
    for row in bulletins.squad_rows(db, month, as_of=NOW):
        behind = rows_behind(db, row.squad.id, start, end)
        mark = "" if behind == (row.jur_returns, row.jur_rejected) else "  ≠ MISMATCH"
        print(f"{row.name:<12}{row.co_parts:>6}{row.co_late:>8}{row.jur_returns:>6}{row.jur_rejected:>6}"
              f"   {behind[0]} / {behind[1]}{mark}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--url", default="")
    args = parser.parse_args()
    url = args.url or f"sqlite:///{tempfile.mkdtemp(prefix='duban_resp_')}/bench.db"
    import config
    from models.responsibility import CoSquadPart, JurisdictionReturn
    from webapp import demo, demo_responsibility
    from workflows import bulletins, diagrams
    from workflows import engine as workflow_engine

    workflow_engine.configure(config.Config.BPMN_FOLDER)
    engine = prepare(url)
    with Session(engine) as db:
        org = demo.load_org(db, NOW, random.Random(1))
        started = time.perf_counter()
        summary = demo_responsibility.load(db, NOW, org)
        db.commit()
        print(f"demo: {summary} in {time.perf_counter() - started:.1f} s")
        print("co-squad parts by status:", dict(db.execute(select(CoSquadPart.status, func.count())
                                                           .group_by(CoSquadPart.status)).tuples().all()))
        print("returns by status:", dict(db.execute(select(JurisdictionReturn.status, func.count())
                                                    .group_by(JurisdictionReturn.status)).tuples().all()))
        month = NOW.strftime("%Y-%m")
        report(db, month)
        print(f"bulletin {month}: median {_median_ms(lambda: bulletins.month_bulletin(db, month, as_of=NOW)):.0f} ms")
        disputed = db.scalars(select(JurisdictionReturn).order_by(JurisdictionReturn.id)).first()
        if disputed is not None:
            from workflows import families

            subject = db.get(families.get(disputed.family).model, disputed.subject_id)
            marks = diagrams.subject_marks(db, disputed.family, subject, NOW)
            moves = [m["basis"] for m in marks["reassignments"]]
            print(f"diagram of {subject.number}: anchor {marks['anchor']}, returns "
                  f"{[r['status'] for r in marks['returns']]}, reassignments {moves}")
            ms = _median_ms(lambda: diagrams.subject_marks(db, disputed.family, subject, NOW))
            print(f"diagram marks: median {ms:.1f} ms")
    engine.dispose()


if __name__ == "__main__":
    main()
