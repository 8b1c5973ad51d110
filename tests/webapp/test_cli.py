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
    items = list(db.scalars(select(SupervisedItem)))
    assert len(items) == 40
    assert {i.status for i in items} == {"open", "closed"}
    assert {i.kind for i in items} == set(range(1, 7))
    assert any(i.return_count for i in items), "some items were returned"
    again = runner.invoke(args=["load-demo", "--if-empty"])
    assert again.exit_code == 0 and "跳过" in again.output
    assert db.scalar(select(func.count(SupervisedItem.id))) == 40


def test_audit_verify_reports_an_intact_chain(app, db, org):
    from tests.factories import make_item

    make_item(db, org)
    db.flush()
    result = app.test_cli_runner().invoke(args=["audit-verify"])
    assert result.exit_code == 0 and "审计链完整" in result.output
