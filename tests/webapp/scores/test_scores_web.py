"""考核 pages: the period report and its scope, the ledger lines, appeals, rules, the personal record, locking,
the .xlsx; never a 500, another squad's lines never visible."""

from __future__ import annotations

import re
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from models.scores import ScoreAppeal, ScoreEntry, ScorePeriod
from tests.conftest import csrf_token
from tests.workflows.scoring.test_ledger import NOW, build_october
from workflows.scoring import ledger, rules

OCT = "kind=month&key=2026-10"


@pytest.fixture
def scored(db, org):
    build_october(db, org)
    ledger.rebuild(db, now=NOW)
    db.flush()
    return org


def squad_rows(html: str) -> set[str]:
    return set(re.findall(r'<tr data-squad="(\d+)"', html))


def test_leaders_see_every_squad_a_squad_leader_only_theirs(as_user, scored):
    org = scored
    html = as_user(org.leader).get(f"/scores?{OCT}").get_data(as_text=True)
    assert squad_rows(html) == {str(org.squad_a.id), str(org.squad_b.id)}
    assert "-9.30" in html and "-8.00" in html
    html = as_user(org.a_leader).get(f"/scores?{OCT}").get_data(as_text=True)
    assert squad_rows(html) == {str(org.squad_a.id)}
    people = set(re.findall(r'<tr data-person="(\d+)"', html))
    assert str(org.a_member.id) in people and str(org.b_member.id) not in people
    html = as_user(org.a_member).get(f"/scores?{OCT}").get_data(as_text=True)
    assert set(re.findall(r'<tr data-person="(\d+)"', html)) == {str(org.a_member.id)}
    assert as_user(org.admin).get(f"/scores?{OCT}").status_code in (403, 404)
    assert as_user(org.leader).get("/scores?kind=month&key=2026-13").status_code == 400


def test_the_ledger_lines_are_scoped(as_user, db, scored):
    org = scored
    b_line = db.scalar(select(ScoreEntry).where(ScoreEntry.squad_id == org.squad_b.id))
    html = as_user(org.a_leader).get(f"/scores/entries?{OCT}").get_data(as_text=True)
    shown = set(re.findall(r'<tr data-entry="(\d+)"', html))
    assert shown and str(b_line.id) not in shown
    assert int(re.search(r'id="entry-count">(\d+)<', html).group(1)) == db.scalar(
        select(__import__("sqlalchemy").func.count()).select_from(ScoreEntry).where(
            (ScoreEntry.squad_id == org.squad_a.id) | (ScoreEntry.person_id == org.a_leader.id)))
    assert as_user(org.a_leader).get(f"/scores/entries/{b_line.id}/appeal").status_code == 404
    html = as_user(org.coordinator).get(f"/scores/entries?{OCT}&squad_id={org.squad_b.id}").get_data(as_text=True)
    assert str(b_line.id) in set(re.findall(r'<tr data-entry="(\d+)"', html))


def test_the_appeal_flow_through_the_pages(as_user, db, scored):
    org = scored
    line = db.scalar(select(ScoreEntry).where(ScoreEntry.code == "level_orange"))
    client = as_user(org.a_leader)
    path = f"/scores/entries/{line.id}/appeal"
    bad = client.post(path, data={"reason": " ", "csrf_token": csrf_token(client, path)})
    assert bad.status_code == 400 and 'data-field="reason"' in bad.get_data(as_text=True)
    ok = client.post(path, data={"reason": "延期已获批准", "evidence": "批复文号 2026-118",
                                 "csrf_token": csrf_token(client, path)})
    assert ok.status_code == 302
    appeal = db.scalar(select(ScoreAppeal))
    client = as_user(org.officer)
    token = csrf_token(client, "/scores/appeals")
    missing = client.post(f"/scores/appeals/{appeal.id}/decide", data={"verdict": "voided", "csrf_token": token})
    assert missing.status_code == 400 and 'data-field="opinion"' in missing.get_data(as_text=True)
    done = client.post(f"/scores/appeals/{appeal.id}/decide",
                       data={"verdict": "voided", "opinion": "核实属实", "csrf_token": token})
    assert done.status_code == 302
    db.expire_all()
    assert db.get(ScoreEntry, line.id).status == "voided"
    html = as_user(org.a_leader).get("/scores/appeals").get_data(as_text=True)
    assert 'data-status="voided"' in html and "核实属实" in html
    assert 'data-appeal' not in as_user(org.b_leader).get("/scores/appeals").get_data(as_text=True)
    member = as_user(org.a_member)
    assert member.post(f"/scores/appeals/{appeal.id}/decide", data={
        "verdict": "stays", "opinion": "x", "csrf_token": csrf_token(member, "/scores/appeals")}).status_code == 404


def test_rules_are_edited_by_the_administrator_with_errors_next_to_the_field(as_user, db, scored):
    org = scored
    rule = next(r for r in rules.current(db, 2026) if r.code == "order_red")
    client = as_user(org.admin)
    token = csrf_token(client, "/admin/score-rules?year=2026")
    prefix, path = f"r{rule.id}-", f"/admin/score-rules/{rule.id}"
    bad = client.post(path, data={f"{prefix}squad_points": "abc", f"{prefix}person_points": "-1",
                                                        f"{prefix}cap_period": "month", f"{prefix}active": "y",
                                                        "csrf_token": token})
    assert bad.status_code == 400 and f'data-field="{prefix}squad_points"' in bad.get_data(as_text=True)
    good = client.post(path, data={f"{prefix}squad_points": "-3", f"{prefix}person_points": "-1",
                                                         f"{prefix}cap": "10", f"{prefix}cap_period": "month",
                                                         f"{prefix}active": "y", "csrf_token": token})
    assert good.status_code == 302
    assert next(r for r in rules.current(db, 2026) if r.code == "order_red").version == 2
    leader = as_user(org.leader)
    assert leader.get("/scores/rules?year=2026").status_code == 200
    assert leader.post(f"/admin/score-rules/{rule.id}", data={"csrf_token": token}).status_code in (400, 404)


def test_the_personal_record_is_for_the_person_their_leader_inspection_and_leaders(as_user, scored):
    org = scored
    path = f"/scores/people/{org.a_member.id}?year=2026"
    for who, status in ((org.a_member, 200), (org.a_leader, 200), (org.officer, 200), (org.leader, 200),
                        (org.a_member2, 404), (org.b_leader, 404), (org.coordinator, 404)):
        assert as_user(who).get(path).status_code == status, who.name
    html = as_user(org.a_member).get(path).get_data(as_text=True)
    october = re.search(r'<tr data-month="2026-10".*?</tr>', html, re.S).group(0)
    assert "-7.20" in october


def test_a_leader_locks_a_month_and_the_export_matches_the_page(as_user, db, scored):
    org = scored
    client = as_user(org.leader)
    token = csrf_token(client, f"/scores?{OCT}")
    assert client.post("/scores/lock", data={"kind": "month", "key": "2026-10", "csrf_token": token}).status_code == 302
    assert db.scalar(select(ScorePeriod)).key == "2026-10"
    html = client.get(f"/scores?{OCT}").get_data(as_text=True)
    assert "锁定，结果已冻结" in html
    again = client.post("/scores/lock", data={"kind": "month", "key": "2026-10", "csrf_token": token})
    assert again.status_code == 409
    sheet = load_workbook(BytesIO(client.get(f"/scores/export.xlsx?{OCT}").data))["中队"]
    rows = {r[1]: r[2] for r in sheet.iter_rows(min_row=3, values_only=True)}
    assert rows[org.squad_a.name] == -9.3 and rows[org.squad_b.name] == -8.0
    member = as_user(org.a_member)
    assert member.post("/scores/lock", data={"kind": "month", "key": "2026-09",
                                             "csrf_token": csrf_token(member, "/scores")}).status_code == 403
