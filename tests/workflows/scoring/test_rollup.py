"""The closed-subject rollup the dashboard reads: kept by triggers on `subject`, it always equals a fresh count of
the projection rows (closing, reopening, a deadline moved after closing, a squad changed, Shanghai's month edge)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import case, func, or_, select

from models.subjects import ClosedRollup, Subject
from tests.factories import make_item, make_petition
from workflows.calendar import LOCAL_TZ


def fresh(db) -> dict:
    """What the rollup must hold, counted from `subject` in Python's own Shanghai month."""
    out: dict = {}
    for s in db.scalars(select(Subject).where(Subject.closed_at.is_not(None))):
        key = (s.family, s.squad_id or 0, s.closed_at.astimezone(LOCAL_TZ).strftime("%Y-%m"))
        closed, on_time, late = out.get(key, (0, 0, 0))
        in_time = s.deadline_at is None or s.closed_at <= s.deadline_at
        out[key] = (closed + 1, on_time + in_time, late + (not in_time))
    return out


def rolled(db) -> dict:
    db.flush()
    rows = db.execute(select(ClosedRollup.family, ClosedRollup.squad_id, ClosedRollup.month, ClosedRollup.closed,
                             ClosedRollup.on_time, ClosedRollup.late))
    return {(f, sq, m): (c, o, la) for f, sq, m, c, o, la in rows if c or o or la}


def row(db, subject, family) -> Subject:
    return db.scalar(select(Subject).where(Subject.family == family, Subject.subject_id == subject.id))


def test_the_rollup_follows_every_change_of_the_projection(db, org):
    a, b, p = row(db, make_item(db, org), "instructed_item"), row(db, make_item(db, org), "instructed_item"), \
        row(db, make_petition(db, org), "petition")
    edge = datetime(2026, 10, 31, 16, 30, tzinfo=UTC)  # 1 November 00:30 in Shanghai
    a.squad_id, a.deadline_at, a.closed_at = org.squad_a.id, edge + timedelta(days=1), edge
    b.squad_id, b.deadline_at, b.closed_at = org.squad_b.id, edge - timedelta(days=1), edge - timedelta(days=2)
    p.closed_at = edge - timedelta(hours=1)
    assert rolled(db) == fresh(db) and (("instructed_item", org.squad_a.id, "2026-11") in rolled(db))
    a.deadline_at = edge - timedelta(hours=2)  # an extension withdrawn after closing: now late
    b.squad_id = org.squad_a.id  # the result moves with the squad
    assert rolled(db) == fresh(db)
    assert rolled(db)[("instructed_item", org.squad_a.id, "2026-11")] == (1, 0, 1)
    p.closed_at = None  # reopened
    a.closed_at = edge + timedelta(days=3)
    assert rolled(db) == fresh(db)
    db.delete(b)
    assert rolled(db) == fresh(db)


def test_the_on_time_rule_is_the_dashboards(db, org):
    """The rollup's on-time test is the one the drill-down applies (no deadline counts as on time)."""
    s = row(db, make_item(db, org), "instructed_item")
    s.squad_id, s.deadline_at, s.closed_at = org.squad_a.id, None, datetime(2026, 10, 5, tzinfo=UTC)
    db.flush()
    on_time = db.scalar(select(func.sum(case((or_(Subject.deadline_at.is_(None),
                                                  Subject.closed_at <= Subject.deadline_at), 1), else_=0)))
                        .where(Subject.closed_at.is_not(None)))
    assert sum(v[1] for v in rolled(db).values()) == on_time == 1
