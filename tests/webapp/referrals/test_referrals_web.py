"""Referral pages: role × route matrix, the referrer hidden from the referred officer, the item panel, the form."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from models.org import Role
from models.referrals import AccountabilityReferral
from tests.factories import NOW, finish, make_item, make_referral, make_user, open_work
from tests.webapp.helpers import post_form, token_from
from workflows import attachments, audit

ROLES = ["anonymous", "coordinator", "leader", "officer", "legal", "a_leader", "a_member", "admin", "referred"]
EXPECTED = {
    "index":    [302, 200, 200, 200, 200, 403, 403, 403, 200],
    "new":      [302, 200, 200, 403, 403, 403, 403, 403, 403],
    "show":     [302, 200, 200, 200, 404, 404, 404, 403, 200],  # outside scope: exactly like an unknown id
    "download": [302, 200, 200, 200, 404, 404, 404, 403, 200],  # 三员 (admin): no case pages at all
    "act":      [302, 403, 403, 302, 404, 404, 404, 403, 403],
}


@pytest.fixture
def world(db, org, app):
    legal = make_user(db, Role.SECTION_OFFICER, section=org.legal, name="法制员")
    referred = make_user(db, Role.SECTION_OFFICER, section=org.inspection, name="被移送人")
    item = make_item(db, org)
    referral = make_referral(db, org, subject_id=item.id, target_user=referred)
    file = attachments.save(db, actor=org.coordinator, now=NOW, folder=app.config["UPLOAD_FOLDER"],
                            family="referral", subject_id=referral.id, step=None,
                            upload=attachments.Upload("谈话记录.pdf", "application/pdf", b"%PDF"))
    db.flush()
    users = {"coordinator": org.coordinator, "leader": org.leader, "officer": org.officer, "legal": legal,
             "a_leader": org.a_leader, "a_member": org.a_member, "admin": org.admin, "referred": referred}
    return {"item": item, "referral": referral, "file": file, "users": users}


def _request(client, route, world):
    r = world["referral"]
    if route == "act":
        accept = open_work(client.application.extensions["duban.db"].new_session(), r)[0]
        data = {"csrf_token": token_from(client, "/login"), "accept-decision": "accept"}
        return client.post(f"/s/referral/{r.id}/steps/{accept.task_uuid}", data=data)
    paths = {"index": "/referrals", "show": f"/referrals/{r.id}", "download": f"/attachments/{world['file'].id}",
             "new": f"/referrals/new?family=instructed_item&subject_id={world['item'].id}"}
    return client.get(paths[route])


@pytest.mark.parametrize("route", list(EXPECTED))
@pytest.mark.parametrize("role", ROLES)
def test_role_route_matrix(client, as_user, world, role, route):
    if role != "anonymous":
        as_user(world["users"][role])
    resp = _request(client, route, world)
    assert resp.status_code == EXPECTED[route][ROLES.index(role)], (role, route)


def test_the_referred_officer_does_not_see_the_referrer_while_open(as_user, world, org, db):
    r = world["referral"]
    page = as_user(world["users"]["referred"]).get(f"/referrals/{r.id}").get_data(as_text=True)
    assert "办结前不予显示" in page and org.coordinator.name not in page
    assert "accept-decision" not in page, "no form for one's own referral"
    page = as_user(org.officer).get(f"/referrals/{r.id}").get_data(as_text=True)
    assert org.coordinator.name in page and "accept-decision" in page
    for step, values in [("accept", {"decision": "accept"}), ("investigate", {"findings": "属实"}),
                         ("record_outcome", {"outcome": "no_action", "outcome_on": NOW.date()})]:
        work = next(w for w in open_work(db, r) if w.step == step)
        finish(db, actor=org.officer, now=NOW, referral=r, task_uuid=work.task_uuid, values=values)
    page = as_user(world["users"]["referred"]).get(f"/referrals/{r.id}").get_data(as_text=True)
    assert org.coordinator.name in page and "不予处理" in page


def test_item_panel_for_coordinators_and_leaders_only(as_user, world, org, db):
    item, r = world["item"], world["referral"]
    for user in (org.coordinator, org.leader):
        page = as_user(user).get(f"/items/{item.id}").get_data(as_text=True)
        assert "转追责" in page and r.number in page
    page = as_user(org.a_member).get(f"/items/{item.id}").get_data(as_text=True)
    assert "转追责" not in page and r.number not in page
    fresh = make_item(db, org, now=datetime.now(UTC))
    assert 'id="slow-hint"' not in as_user(org.coordinator).get(f"/items/{fresh.id}").get_data(as_text=True)


def test_slow_action_form_prefills_the_lateness(as_user, org, db):
    registered = datetime.now(UTC) - timedelta(days=12)
    item = make_item(db, org, now=registered, received_at=registered - timedelta(hours=1))
    assign = open_work(db, item)[0]
    finish(db, actor=org.coordinator, now=registered + timedelta(days=4), item=item,
                           task_uuid=assign.task_uuid, values={"lead_squad_id": org.squad_a.id})
    client = as_user(org.coordinator)
    panel = client.get(f"/items/{item.id}").get_data(as_text=True)
    assert 'id="slow-hint"' in panel and "classification=slow" in panel, "overdue steps suggest slow action"
    url = f"/referrals/new?family=instructed_item&subject_id={item.id}"
    plain = client.get(url).get_data(as_text=True)
    assert "超期办理" in plain and "checked" not in plain.split('id="evidence"')[1].split("</div>")[0]
    slow = client.get(url + "&classification=slow").get_data(as_text=True)
    assert 'data-slow="1"' in slow and "checked" in slow.split('id="evidence"')[1]
    resp = post_form(client, url, "/referrals/new", {
        "family": "instructed_item", "subject_id": str(item.id), "classification": "slow", "target_kind": "officer",
        "target_user_id": str(org.a_member.id), "target_squad_id": "0", "facts": "",
        "section_id": str(org.inspection.id)})
    assert resp.status_code == 400 and 'data-field="facts"' in resp.get_data(as_text=True)
    resp = post_form(client, url, "/referrals/new", {
        "family": "instructed_item", "subject_id": str(item.id), "classification": "slow", "target_kind": "officer",
        "target_user_id": str(org.a_member.id), "target_squad_id": "0", "facts": "拖延", "evidence": ["audit:0"],
        "section_id": str(org.inspection.id)})
    assert resp.status_code == 400 and 'data-field="evidence"' in resp.get_data(as_text=True)
    assert db.scalar(select(func.count(AccountabilityReferral.id))) == 0


def test_refer_from_any_family_by_url(as_user, org, db):
    audit.record(db, actor=org.coordinator, now=NOW, family="petition", subject_id=41, action="register",
                 summary="登记信访件")
    client = as_user(org.leader)
    url = "/referrals/new?family=petition&subject_id=41"
    assert client.get(url).status_code == 200
    resp = post_form(client, url, "/referrals/new", {
        "family": "petition", "subject_id": "41", "classification": "inaction", "target_kind": "squad",
        "target_user_id": "0", "target_squad_id": str(org.squad_b.id), "facts": "群众反映推诿",
        "section_id": str(org.inspection.id)})
    assert resp.status_code == 302
    referral = db.scalar(select(AccountabilityReferral))
    assert (referral.source_family, referral.target_squad_id) == ("petition", org.squad_b.id)
    assert client.get("/referrals/new?family=petition&subject_id=42").status_code == 404
    assert client.get("/referrals/new?family=instructed_item").status_code == 404
    html = client.get("/referrals?status=open&classification=inaction").get_data(as_text=True)
    assert referral.number in html and 'id="referral-matrix"' in html


def test_the_responsible_section_opens_cited_source_files_only(as_user, org, db, app):
    item = make_item(db, org)
    cited, other = (attachments.save(db, actor=org.coordinator, now=NOW, folder=app.config["UPLOAD_FOLDER"],
                                     family="instructed_item", subject_id=item.id, step=None,
                                     upload=attachments.Upload(name, "application/pdf", b"%PDF"))
                    for name in ("超期记录.pdf", "无关材料.pdf"))
    db.flush()
    referral = make_referral(db, org, subject_id=item.id, evidence_keys=[f"attachment:{cited.id}"])
    client = as_user(org.officer)
    page = client.get(f"/referrals/{referral.id}").get_data(as_text=True)
    assert f"/referrals/{referral.id}/evidence/{cited.id}" in page
    assert client.get(f"/referrals/{referral.id}/evidence/{cited.id}").status_code == 200
    assert client.get(f"/referrals/{referral.id}/evidence/{other.id}").status_code == 404
    assert client.get(f"/attachments/{cited.id}").status_code == 404, "the item itself stays out of reach"
    assert as_user(org.a_member).get(f"/referrals/{referral.id}/evidence/{cited.id}").status_code == 404
