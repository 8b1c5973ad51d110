"""Diagram data on every family's subject page and the process catalogue: access, marks, heat map, step lists."""

from __future__ import annotations

from datetime import timedelta

import pytest

from models.engine import ProcessInstance
from tests.factories import NOW, make_case, make_item, make_petition, make_referral
from tests.workflows.items.test_lifecycle import do, handle_until_review

PAGES = {
    "instructed_item": "/items/{}", "petition": "/petitions/{}", "major_case": "/cases/{}", "referral": "/referrals/{}",
}


def _subjects(db, org):
    item = make_item(db, org)
    return {"instructed_item": item, "petition": make_petition(db, org), "major_case": make_case(db, org),
            "referral": make_referral(db, org, subject_id=item.id)}


def test_every_family_page_carries_its_diagram(db, org, as_user):
    client = as_user(org.coordinator)
    for family, subject in _subjects(db, org).items():
        html = client.get(PAGES[family].format(subject.id)).get_data(as_text=True)
        marks_url = f"/processes/subject/{family}/{subject.id}.json"
        assert f'data-marks-url="{marks_url}"' in html, family
        assert "bpmn-viewer.production.min.js" in html and "<script>" not in html
        marks = client.get(marks_url).get_json()
        assert marks["current"], family
        xml = client.get(marks["xml_url"])
        assert xml.status_code == 200 and b"bpmndi:BPMNDiagram" in xml.data, family


def test_marks_show_holder_due_overdue_and_the_return_loop(db, org, as_user):
    item = make_item(db, org, received_at=NOW - timedelta(days=40), deadline_on=(NOW - timedelta(days=1)).date())
    handle_until_review(db, org, item)
    do(db, org, item, "review", decision="return", opinion="证据不足")
    marks = as_user(org.coordinator).get(f"/processes/subject/instructed_item/{item.id}.json").get_json()
    (current,) = marks["current"]
    assert current["step"] == "draft_reply" and current["holder"] == org.a_member.name
    assert current["overdue"] is True and current["due_at"]
    assert ["gw_review", "merge_draft"] in marks["flows"] and marks["visits"]["draft_reply"] == 1
    assert "investigate" in marks["late"], "steps completed after their due time are marked"


def test_a_subject_outside_scope_has_no_diagram_data(db, org, as_user):
    item = make_item(db, org)
    do(db, org, item, "assign", lead_squad_id=org.squad_a.id)
    assert as_user(org.b_member).get(f"/processes/subject/instructed_item/{item.id}.json").status_code == 404
    assert as_user(org.a_member).get(f"/processes/subject/instructed_item/{item.id}.json").status_code == 200
    assert as_user(org.coordinator).get("/processes/subject/nonsense/1.json").status_code == 404


@pytest.mark.parametrize("who, status, admin_status", [
    ("coordinator", 200, 403), ("admin", 403, 200), ("a_leader", 403, 403), ("leader", 403, 403)])
def test_catalogue_is_for_coordinators_and_versions_for_the_admin(db, org, as_user, who, status, admin_status):
    make_item(db, org)
    client = as_user(getattr(org, who))
    assert client.get("/processes/").status_code == status
    assert client.get("/admin/processes/").status_code == admin_status


def test_catalogue_heat_map_counts_open_steps_and_lists_them(db, org, as_user):
    first, second = make_item(db, org, title="第一件"), make_item(db, org, title="第二件")
    do(db, org, second, "assign", lead_squad_id=org.squad_a.id)
    client = as_user(org.coordinator)
    index = client.get("/processes/").get_data(as_text=True)
    assert "instructed_item" in index and "accountability_referral" in index
    page = client.get("/processes/instructed_item").get_data(as_text=True)
    assert 'data-diagram="heat"' in page
    version_id = db.get(ProcessInstance, first.instance_id).version_id
    heat_url = page.split('data-heat-url="')[1].split('"')[0]
    heat = client.get(heat_url).get_json()
    assert heat["counts"] == {"assign": 1, "accept": 1}
    listed = client.get(heat["step_url"].replace("__STEP__", "assign")).get_data(as_text=True)
    assert first.number in listed and second.number not in listed
    assert f"/versions/{version_id}/" in heat["step_url"]


def test_returns_and_reassignments_are_marked_at_the_assign_step(db, org, as_user):
    from tests.workflows.tasks.test_returns import assigned_item, file
    from workflows.tasks import returns

    item = assigned_item(db, org)
    url = f"/processes/subject/instructed_item/{item.id}.json"
    assert as_user(org.coordinator).get(url).get_json()["returns"] == [], "a plain 交办 is no return"
    first = file(db, org, item, NOW + timedelta(hours=1))
    returns.decide(db, actor=org.coordinator, now=NOW + timedelta(hours=2), return_id=first.id, accept=False,
                   note="属本辖区")
    second = file(db, org, item, NOW + timedelta(hours=3))
    returns.decide(db, actor=org.leader, now=NOW + timedelta(hours=4), return_id=second.id, accept=True,
                   to_squad_id=org.squad_b.id, note="改由江苏路中队承办")
    marks = as_user(org.coordinator).get(url).get_json()
    assert marks["anchor"] == "assign"
    assert [(r["status"], r["squad"], r["to_squad"]) for r in marks["returns"]] == [
        ("rejected", org.squad_a.name, org.squad_a.name), ("final", org.squad_a.name, org.squad_b.name)]
    [move] = marks["reassignments"]
    assert (move["basis"], move["from_squad"], move["to_squad"]) == ("final", org.squad_a.name, org.squad_b.name)


def test_a_family_without_an_assign_step_anchors_reassignments_at_its_start(db, org, as_user):
    from workflows.tasks import returns

    case = make_case(db, org)
    returns.reassign(db, actor=org.coordinator, now=NOW + timedelta(hours=1), family="major_case",
                     subject_id=case.id, to_squad_id=org.squad_b.id, reason="案发地属江苏路辖区")
    marks = as_user(org.coordinator).get(f"/processes/subject/major_case/{case.id}.json").get_json()
    assert marks["anchor"] is None and marks["returns"] == []
    assert [m["label"] for m in marks["reassignments"]] == ["改派"]
