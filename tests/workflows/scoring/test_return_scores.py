"""Rejected jurisdiction returns (issue 17) score against the returning squad; an accepted one charges nothing."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from models.scores import ScoreEntry
from tests.factories import NOW
from tests.workflows.tasks.test_returns import assigned_item, file
from workflows.scoring import ledger, rules
from workflows.tasks import returns


def entries(db):
    return list(db.scalars(select(ScoreEntry).where(ScoreEntry.code == "return_rejected")))


def test_a_rejected_return_is_scored_for_the_returning_squad_and_an_accepted_one_is_not(db, org):
    rules.seed_year(db, year=2026, now=NOW)
    kept, moved = assigned_item(db, org), assigned_item(db, org)
    row = file(db, org, kept, NOW + timedelta(hours=1))
    returns.decide(db, actor=org.coordinator, now=NOW + timedelta(hours=2), return_id=row.id, accept=False,
                   note="经核实属本辖区")
    other = file(db, org, moved, NOW + timedelta(hours=1))
    returns.decide(db, actor=org.coordinator, now=NOW + timedelta(hours=2), return_id=other.id, accept=True,
                   to_squad_id=org.squad_b.id)
    ledger.rebuild(db, now=NOW + timedelta(days=1))
    [entry] = entries(db)
    assert (entry.squad_id, entry.person_id, entry.subject_id) == (org.squad_a.id, org.a_leader.id, kept.id)
    assert entry.squad_points == Decimal("-0.5") and entry.key == f"return:{row.id}"
    again = ledger.rebuild(db, now=NOW + timedelta(days=1))
    assert (again.added, again.changed, again.removed) == (0, 0, 0) and len(entries(db)) == 1
