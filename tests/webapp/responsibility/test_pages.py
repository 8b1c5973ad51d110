"""The pages of 主办/协办, 退单/改派 and 专案研究: a 交办 form with co-squads, a co-squad member's view of the
subject (only their own step), the return page before and after its limit, the minutes page and .docx."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

from docx import Document

from models.org import Role
from tests.factories import finish, make_item, make_squad, make_user, meeting_values, open_work
from tests.webapp.helpers import post_form
from workflows.meetings import operations as meeting_ops
from workflows.tasks.parts import parts_of

FAMILY = "instructed_item"


def now():
    return datetime.now(UTC)


def test_assign_form_names_co_squads_and_the_co_squad_member_sees_only_their_step(db, org, as_user):
    other = make_squad(db, "新华路中队")
    member = make_user(db, Role.SQUAD_MEMBER, squad=other, name="新华队员")
    item = make_item(db, org, now=now(), received_at=now() - timedelta(hours=1))
    work = open_work(db, item)[0]
    client = as_user(org.coordinator)
    page = f"/items/{item.id}"
    assert 'name="assign-co_squads-0-squad_id"' in client.get(page).get_data(as_text=True)
    resp = post_form(client, page, f"/s/{FAMILY}/{item.id}/steps/{work.task_uuid}",
                     {"assign-lead_squad_id": str(org.squad_a.id), "assign-co_squads-0-squad_id": str(other.id),
                      "assign-co_squads-0-part": "负责东侧人行道部分"})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:2000]
    [part] = parts_of(db, FAMILY, item.id)
    assert (part.squad_id, part.part, part.status) == (other.id, "负责东侧人行道部分", "open")
    html = as_user(member).get(page).get_data(as_text=True)
    assert "负责东侧人行道部分" in html and 'id="co-squads"' in html
    assert f'action="/s/instructed_item/{item.id}/steps/' in html
    assert "协办签收" in html and "提交“签收”" not in html, "a co-squad member acts only on their own step"
    outsider = make_user(db, Role.SQUAD_MEMBER, squad=make_squad(db))
    assert as_user(outsider).get(page).status_code == 404


def test_return_page_offers_the_form_inside_the_limit_and_says_why_after(db, org, as_user):
    at = now()
    item = make_item(db, org, now=at, received_at=at - timedelta(hours=1))
    finish(db, actor=org.coordinator, now=at, item=item, task_uuid=open_work(db, item)[0].task_uuid,
           values={"lead_squad_id": org.squad_a.id})
    client = as_user(org.a_leader)
    url = f"/r/{FAMILY}/{item.id}/return"
    assert 'name="explanation"' in client.get(url).get_data(as_text=True)
    resp = post_form(client, url, url, {"reason": "territory", "explanation": "属江苏路辖区",
                                        "files": (io.BytesIO(b"\x89PNG\r\n\x1a\n map"), "map.png")},
                     content_type="multipart/form-data")
    assert resp.status_code == 302
    html = client.get(f"/items/{item.id}").get_data(as_text=True)
    assert "待协调科决定" in html and "map.png" in html
    coordinator = as_user(org.coordinator)
    html = coordinator.get(f"/items/{item.id}").get_data(as_text=True)
    assert 'id="decide-return"' in html
    # after the limit the action is gone and the page says why
    item2 = make_item(db, org, now=at - timedelta(days=10), received_at=at - timedelta(days=10))
    finish(db, actor=org.coordinator, now=at - timedelta(days=10), item=item2,
           task_uuid=open_work(db, item2)[0].task_uuid, values={"lead_squad_id": org.squad_a.id})
    html = as_user(org.a_leader).get(f"/items/{item2.id}").get_data(as_text=True)
    assert 'id="return-link"' not in html and "已超过退单时限" in html
    assert "已超过退单时限" in as_user(org.a_leader).get(f"/r/{FAMILY}/{item2.id}/return").get_data(as_text=True)


def test_meeting_minutes_print_as_a_page_and_docx_with_actions(db, org, as_user):
    item = make_item(db, org)
    due = (datetime.now(UTC) + timedelta(days=7)).date()
    spec = meeting_ops.read_meeting(meeting_values(datetime.now(UTC).date(), decisions=[
        {"text": "华阳路中队负责现场取证", "squad_id": org.squad_a.id, "due_on": due},
        {"text": "法制科提供法律意见", "squad_id": None, "due_on": None}]))
    meeting = meeting_ops.record(db, actor=org.coordinator, now=datetime.now(UTC), family=FAMILY,
                                 subject_id=item.id, spec=spec)
    action = meeting.decisions[0].action
    assert action is not None and meeting.decisions[1].action is None
    assert [w.step for w in open_work(db, action)] == ["implement"]
    client = as_user(org.coordinator)
    html = client.get(f"/r/meetings/{meeting.id}").get_data(as_text=True)
    assert "专案研究会议纪要" in html and "华阳路中队负责现场取证" in html and action.number in html
    resp = client.get(f"/r/meetings/{meeting.id}.docx")
    assert resp.status_code == 200 and resp.mimetype.endswith("wordprocessingml.document")
    text = "\n".join(p.text for p in Document(io.BytesIO(resp.data)).paragraphs)
    assert "专案研究会议纪要" in text and "局三楼会议室" in text and "法制科提供法律意见" in text
    squad_html = as_user(org.a_member).get(f"/r/actions/{action.id}").get_data(as_text=True)
    assert "落实事项" in squad_html and "提交“落实”" in squad_html
    assert as_user(org.b_member).get(f"/r/actions/{action.id}").status_code == 404
