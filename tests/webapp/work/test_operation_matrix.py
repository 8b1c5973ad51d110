"""Role × operation × own/other unit, for a subject of every family: outside a user's scope everything answers
404 (like an unknown id); inside it, only the step's unit may act on the step; the approver always sees what it
must decide. Operations go through the real routes with CSRF."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from models.audit import AuditEntry
from models.engine import WorkItem
from tests.factories import NOW, finish, make_case, make_item, make_petition, make_referral, open_work
from tests.webapp.helpers import token_from
from workflows.calendar import local_day

ROLES = ["coordinator", "leader", "a_leader", "a_member", "b_leader", "b_member", "officer", "admin"]
SCOPE = {  # who sees the subject; who is the unit holding its open step
    "instructed_item": ({"coordinator", "leader", "a_leader", "a_member"}, {"a_leader", "a_member"}),
    "petition": ({"coordinator", "leader", "a_leader", "a_member"}, {"a_leader", "a_member"}),
    "major_case": ({"coordinator", "leader", "a_leader", "a_member"}, {"coordinator"}),
    "referral": ({"coordinator", "leader", "officer"}, {"officer"}),
}
PAGES = {"instructed_item": "/items/{}", "petition": "/petitions/{}", "major_case": "/cases/{}",
         "referral": "/referrals/{}"}


def _subject(db, org, family):
    if family == "instructed_item":
        item = make_item(db, org)
        finish(db, actor=org.coordinator, now=NOW, item=item, task_uuid=open_work(db, item)[0].task_uuid,
               values={"lead_squad_id": org.squad_a.id})
        return item
    if family == "petition":
        petition = make_petition(db, org)
        finish(db, actor=org.coordinator, now=NOW, petition=petition, task_uuid=open_work(db, petition)[0].task_uuid,
               values={"decision": "assign", "squad_id": org.squad_a.id})
        return petition
    return make_case(db, org) if family == "major_case" else make_referral(db, org)


def _post(client, url, data=None):
    return client.post(url, data={"csrf_token": token_from(client, "/notifications"), **(data or {})})


def _actions(db):
    return db.scalar(select(func.count(AuditEntry.id)))


@pytest.mark.parametrize("family", list(SCOPE))
@pytest.mark.parametrize("role", ROLES)
def test_role_operation_matrix(db, org, as_user, family, role):
    subject = _subject(db, org, family)
    db.flush()
    work = open_work(db, subject)[0]
    sees, unit = SCOPE[family]
    client = as_user(getattr(org, role))
    show = client.get(PAGES[family].format(subject.id))
    denied = 403 if role == "admin" else 404  # 三员分立: the admin reaches no case page at all (known or not)
    assert show.status_code == (200 if role in sees else denied), (role, family, "show")
    before = _actions(db)
    claimed = _post(client, f"/work/{work.id}/claim")
    db.expire_all()
    if role not in sees:
        assert claimed.status_code == denied and _actions(db) == before, (role, family, "claim")
        for url in (f"/s/{family}/{subject.id}/comment", f"/s/{family}/{subject.id}/cc",
                    f"/s/{family}/{subject.id}/withdraw", f"/deadlines/{family}/{subject.id}/extension",
                    f"/deadlines/{family}/{subject.id}/suspend", f"/work/{work.id}/follow-up"):
            assert _post(client, url, {"text": "x", "reason": "x"}).status_code == denied, (role, family, url)
        assert _actions(db) == before, "nothing outside scope wrote anything"
        return
    held = db.get(WorkItem, work.id)
    assert (held.assignee_id == getattr(org, role).id) == (role in unit), (role, family, "claim")
    commented = _post(client, f"/s/{family}/{subject.id}/comment", {"text": "请注意时限"})
    assert commented.status_code == 302, (role, family, "comment")
    urge_page = client.get(f"/deadlines/{family}/{subject.id}/urge/{work.task_uuid}")
    assert urge_page.status_code == 200, (role, family, "urge page")


def test_the_approver_sees_a_pending_request_of_another_unit(db, org, as_user):
    item = _subject(db, org, "instructed_item")
    member = as_user(org.a_member)
    assert member.get(f"/deadlines/instructed_item/{item.id}/extension").status_code == 200
    new_day = str(local_day(item.deadline_at) + timedelta(days=5))
    assert _post(member, f"/deadlines/instructed_item/{item.id}/extension",
                 {"new_date": new_day, "reason": "需要调取录像"}).status_code == 302
    page = as_user(org.coordinator).get("/deadlines/extensions").get_data(as_text=True)
    assert item.number in page and "需要调取录像" in page
    assert item.number not in as_user(org.b_leader).get("/deadlines/extensions").get_data(as_text=True)
