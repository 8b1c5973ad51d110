"""A coordinator registers an item and it is walked to 办结 through the pages, every step form used."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from models.items import SupervisedItem
from tests.factories import open_work
from tests.webapp.helpers import post_form

TODAY = datetime.now(UTC).date().isoformat()


def step_data(step, org):
    return {
        "joint_study": {"held_on": TODAY, "place": "局三楼会议室", "units_present": "协调科、华阳路中队",
                        "people_present": "张三、李四", "matters": "明确取证重点", "decisions-0-text": "限期取证"},
        "assign": {"lead_squad_id": str(org.squad_a.id), "instructions": "请五个工作日内办结"},
        "accept": {"handler_id": str(org.a_member.id)},
        "investigate": {"findings": "现场核实，情况属实"},
        "draft_reply": {"reply_text": "已责令当事人拆除"},
        "review": {"decision": "approve", "opinion": "同意"},
        "leader_signoff": {"decision": "approve", "opinion": "同意上报"},
        "send_reply": {"replied_on": TODAY, "method": "document", "summary": "书面回复市局"},
        "follow_up": {"method": "callback", "satisfaction": "satisfied", "solved": "y", "notes": ""},
        "rectify": {"measures": "再次整改"},
    }[step]


def actor_for(step, org):
    return {"squad": org.a_member, "leader": org.leader}.get(step.step_group, org.coordinator)


def submit(as_user, org, item, step, data):
    client = as_user(actor_for(step, org))
    form = {f"{step.step}-{k}": v for k, v in data.items()}
    return post_form(client, f"/items/{item.id}", f"/s/instructed_item/{item.id}/steps/{step.task_uuid}", form)


def open_main(db, item):
    return [w for w in open_work(db, item) if w.step != "leader_supervise"]


@pytest.mark.parametrize("kind,study", [(1, True), (2, False), (3, False), (4, True), (5, False), (6, False)])
def test_each_kind_reaches_close_through_the_pages(as_user, org, db, kind, study):
    client = as_user(org.coordinator)
    data = {"kind": str(kind), "title": f"第{kind}类批示件", "instruction_text": "请办理",
            "received_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M")}
    if study:
        data["needs_study"] = "y"
    assert post_form(client, "/items/new", "/items/new", data).status_code == 302
    item = db.scalar(select(SupervisedItem).where(SupervisedItem.title == f"第{kind}类批示件"))
    returned = unsatisfied = False
    seen = []
    while open_main(db, item):
        step = open_main(db, item)[0]
        seen.append(step.step)
        values = step_data(step.step, org)
        if step.step == "review" and not returned:
            values, returned = {"decision": "return", "opinion": "请补充照片"}, True
        if step.step == "follow_up" and not unsatisfied:
            values, unsatisfied = {"method": "both", "satisfaction": "unsatisfied", "notes": "仍有问题"}, True
        resp = submit(as_user, org, item, step, values)
        assert resp.status_code == 302, (step.step, resp.get_data(as_text=True)[-2500:])
        db.refresh(item)
        assert len(seen) < 20
    assert item.status == "closed"
    assert ("joint_study" in seen) == study
    assert ("leader_signoff" in seen) == (kind <= 3)
    assert seen.count("draft_reply") == 2 and "rectify" in seen
    page = as_user(org.coordinator).get(f"/items/{item.id}").get_data(as_text=True)
    assert "已办结" in page and "审核退回" in page and "请补充照片" in page


def test_a_failed_step_form_shows_errors_and_keeps_the_step(as_user, org, db):
    client = as_user(org.coordinator)
    data = {"kind": "5", "title": "表单校验", "instruction_text": "请办理",
            "received_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M")}
    post_form(client, "/items/new", "/items/new", data)
    item = db.scalar(select(SupervisedItem).where(SupervisedItem.title == "表单校验"))
    step = open_main(db, item)[0]
    resp = submit(as_user, org, item, step, {"lead_squad_id": "abc", "instructions": "x" * 2001})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400 and 'data-field="assign-instructions"' in html and "不能超过2000个字" in html
    assert [w.step for w in open_main(db, item)] == ["assign"]
