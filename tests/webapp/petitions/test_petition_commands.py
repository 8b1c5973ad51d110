"""`flask create-api-client`, `flask petition-callback-plans` and the demo petitions."""

from __future__ import annotations

import random

from sqlalchemy import func, select

from models.petitions import ApiClient, Callback, CallbackPlan, Petition
from tests.factories import NOW
from webapp.demo import load_org
from webapp.demo_petitions import load_petitions
from workflows.petitions import api_clients, months


def test_create_api_client_prints_the_token_once(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-api-client", "网上信访系统"])
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    assert api_clients.authenticate(db, token, NOW).name == "网上信访系统"
    assert db.scalar(select(ApiClient.token_hash)) != token
    again = runner.invoke(args=["create-api-client", "网上信访系统"])
    assert again.exit_code != 0 and "已存在" in again.output


def test_callback_plans_command_makes_one_plan_per_squad(app, db, org):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["petition-callback-plans", "--month", "2026-11", "--percent", "20"])
    assert result.exit_code == 0 and "2 个" in result.output
    result = runner.invoke(args=["petition-callback-plans", "--month", "2026-11"])
    assert result.exit_code == 0 and "0 个" in result.output
    assert db.scalar(select(func.count(CallbackPlan.id))) == 2
    assert runner.invoke(args=["petition-callback-plans", "--month", "2026-13"]).exit_code != 0


def test_demo_petitions_have_chains_every_state_and_this_months_plans(db):
    org = load_org(db, NOW, random.Random(1))
    summary = load_petitions(db, NOW, org, matters=30)
    petitions = db.scalars(select(Petition)).all()
    assert "信访件" in summary and len(petitions) >= 30
    assert any(p.repeat_of_id for p in petitions)
    assert {p.status for p in petitions} == {"open", "closed"}
    current = db.scalars(select(Callback).join(CallbackPlan).where(CallbackPlan.month == months.of(NOW))).all()
    assert current and {c.status for c in current} == {"pending"}
    earlier = db.scalars(select(Callback).join(CallbackPlan).where(CallbackPlan.month != months.of(NOW))).all()
    assert any(c.status == "done" for c in earlier)
