"""The `flask` commands: demo bureau, audit verification."""

from __future__ import annotations

from sqlalchemy import func, select

from models.items import SupervisedItem
from models.org import Role, Squad, UserRole


def test_load_demo_builds_a_living_bureau_once(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["load-demo", "--items", "40", "--petitions", "20"])
    assert result.exit_code == 0, result.output
    assert db.scalar(select(func.count(Squad.id))) == 10
    roles = set(db.scalars(select(UserRole.role)))
    assert roles == set(Role)
    every = list(db.scalars(select(SupervisedItem)))
    assert [i.external_ref for i in every if i.registered_by_id is None] == ["WSBA-2026-1203"], "one by the API"
    items = [i for i in every if "协" not in i.source_doc_number and i.registered_by_id]  # not the 协办/API demo
    assert len(items) == 40
    assert {i.status for i in items} == {"open", "closed"}
    assert {i.kind for i in items} == set(range(1, 7))
    assert any(i.return_count for i in items), "some items were returned"
    again = runner.invoke(args=["load-demo", "--if-empty"])
    assert again.exit_code == 0 and "跳过" in again.output
    assert db.scalar(select(func.count(SupervisedItem.id))) == 40 + 15 + 1  # and the one registered through the API


def test_audit_verify_reports_an_intact_chain(app, db, org):
    from tests.factories import make_item

    make_item(db, org)
    db.flush()
    result = app.test_cli_runner().invoke(args=["audit-verify"])
    assert result.exit_code == 0 and "审计链完整" in result.output


def test_the_demo_supervises_every_family_the_same_way(app, db):
    """Issue 10: every family shows urges, clock requests, CCs and delegations; no unit is overdue on
    everything, and the coordination section is not the unit with the most overdue steps."""
    from collections import Counter
    from datetime import UTC, datetime

    from models.deadlines import ClockRequest, Urge
    from models.engine import WorkItem
    from models.subjects import SubjectCc
    from workflows import families

    result = app.test_cli_runner().invoke(args=["load-demo", "--items", "100", "--petitions", "30"])
    assert result.exit_code == 0, result.output
    everyone = {"instructed_item", "petition", "major_case", "referral"}  # families added later: their own tests
    assert everyone <= {f.name for f in families.all_families()}
    assert everyone <= set(db.scalars(select(Urge.family)))
    assert everyone <= set(db.scalars(select(ClockRequest.family).where(ClockRequest.kind == "extension")))
    assert everyone <= set(db.scalars(select(ClockRequest.family).where(ClockRequest.kind == "suspension")))
    assert everyone <= set(db.scalars(select(SubjectCc.family)))
    assert {"instructed_item", "petition"} <= set(db.scalars(select(WorkItem.family).where(
        WorkItem.owner_id.is_not(None)))), "delegated squad steps"
    now = datetime.now(UTC)
    overdue, held = Counter(), Counter()
    for w in db.scalars(select(WorkItem)):
        unit = w.section_id and f"section:{w.section_id}" or w.squad_id and f"squad:{w.squad_id}" or w.step_group
        held[unit] += 1
        overdue[unit] += bool(w.due_at and w.due_at < now)
    from models.org import Section

    coordination = overdue[f"section:{db.scalar(select(Section.id).where(Section.code == 'coordination'))}"]
    assert coordination < max(overdue.values()), overdue
    assert all(overdue[u] < held[u] for u in held if held[u] >= 3), ("no unit overdue on everything", overdue, held)
