"""延期申请, 审批, 挂起/恢复, 催办 and the monitoring pages, through the browser's forms (CSRF on)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from models.deadlines import ClockRequest, Urge
from models.items import ItemKind
from models.notifications import Notification
from models.subjects import Subject
from tests.factories import finish, make_item, open_work
from tests.webapp.helpers import post_form
from workflows.calendar import local_day

NOW = datetime.now(UTC)


def assigned(db, org, kind=ItemKind.MEDIA_EXPOSURE):
    item = make_item(db, org, kind=kind, now=NOW)
    work = open_work(db, item)[0]
    finish(db, actor=org.coordinator, now=NOW, item=item, task_uuid=work.task_uuid,
                             values={"lead_squad_id": org.squad_a.id})
    return item


def ext_url(item):
    return f"/deadlines/instructed_item/{item.id}/extension"


def test_extension_end_to_end(db, org, as_user):
    item = assigned(db, org)
    client = as_user(org.a_member)
    page = client.get(f"/items/{item.id}").get_data(as_text=True)
    assert "申请延期" in page and 'id="clock-panel"' in page
    bad = post_form(client, ext_url(item), ext_url(item), {"new_date": str(local_day(item.deadline_at)),
                                                           "reason": "需要更多时间"})
    assert bad.status_code == 400 and "申请的新期限必须晚于当前期限" in bad.get_data(as_text=True)
    empty = post_form(client, ext_url(item), ext_url(item), {"new_date": "", "reason": ""})
    assert empty.status_code == 400 and "请填写申请的新期限" in empty.get_data(as_text=True)
    assert db.scalar(select(func.count()).select_from(ClockRequest)) == 0, "nothing half-saved"
    new_day = local_day(item.deadline_at) + timedelta(days=5)
    ok = post_form(client, ext_url(item), ext_url(item), {"new_date": str(new_day), "reason": "需调取监控"})
    assert ok.status_code == 302
    req = db.scalar(select(ClockRequest))
    assert req.status == "pending"
    coordinator = as_user(org.coordinator)
    assert "延期申请待审批" in coordinator.get("/notifications?kind=extension").get_data(as_text=True)
    decide = f"/deadlines/extensions/{req.id}/decide"
    refused_empty = post_form(coordinator, "/deadlines/extensions", decide, {f"r{req.id}-decision": "refuse"})
    assert refused_empty.status_code == 400 and "不同意时请填写理由" in refused_empty.get_data(as_text=True)
    done = post_form(coordinator, "/deadlines/extensions", decide, {f"r{req.id}-decision": "approve"})
    assert done.status_code == 302
    db.expire_all()
    assert req.status == "approved" and local_day(item.deadline_at) == new_day
    again = post_form(coordinator, "/deadlines/extensions", decide, {f"r{req.id}-decision": "approve"})
    assert again.status_code == 409
    history = as_user(org.a_member).get(f"/items/{item.id}").get_data(as_text=True)
    assert "同意延期" in history and 'id="extension-count">1 次' in history


def test_extension_permissions(db, org, as_user):
    item = assigned(db, org, kind=ItemKind.CITY_LEADER)
    other = as_user(org.b_member)
    assert other.get(ext_url(item)).status_code == 404, "another squad's item answers like an unknown one"
    assert other.get("/deadlines/instructed_item/999999/extension").status_code == 404
    assert other.get(f"/deadlines/nope/{item.id}/extension").status_code == 404
    member = as_user(org.a_member)
    new_day = str(local_day(item.deadline_at) + timedelta(days=3))
    assert post_form(member, ext_url(item), ext_url(item), {"new_date": new_day, "reason": "r"}).status_code == 302
    req = db.scalar(select(ClockRequest))
    coordinator = as_user(org.coordinator)
    resp = post_form(coordinator, "/deadlines/extensions", f"/deadlines/extensions/{req.id}/decide",
                     {f"r{req.id}-decision": "approve"})
    assert resp.status_code == 404, "kinds 1–3 need a leader: the coordinator does not even see the request"
    outsider = as_user(org.b_leader)
    refused = post_form(outsider, "/deadlines/extensions", f"/deadlines/extensions/{req.id}/decide",
                        {f"r{req.id}-decision": ""})
    assert refused.status_code == 404 and item.number not in refused.get_data(as_text=True), \
        "scope is checked before validation: a refused form never shows another squad's request"
    leader = as_user(org.leader)
    assert post_form(leader, "/deadlines/extensions", f"/deadlines/extensions/{req.id}/decide",
                     {f"r{req.id}-decision": "approve"}).status_code == 302
    assert leader.post("/deadlines/extensions/1/decide", data={}).status_code == 400, "CSRF is checked"


def test_suspend_resume_and_urge(db, org, as_user):
    item = assigned(db, org)
    base = f"/deadlines/instructed_item/{item.id}"
    squad_asks = post_form(as_user(org.a_leader), f"/items/{item.id}", f"{base}/suspend", {"reason": "待法院裁定"})
    assert squad_asks.status_code == 302, "the squad asks; the coordination section decides"
    pending = db.scalar(select(ClockRequest).where(ClockRequest.kind == "suspension"))
    assert pending.status == "pending" and item.suspended_at is None
    coordinator = as_user(org.coordinator)
    refused = post_form(coordinator, "/deadlines/extensions", f"/deadlines/extensions/{pending.id}/decide",
                        {f"r{pending.id}-decision": "refuse", f"r{pending.id}-opinion": "可边办边等"})
    assert refused.status_code == 302
    coordinator = as_user(org.coordinator)
    assert post_form(coordinator, f"{base}/suspend", f"{base}/suspend", {"reason": ""}).status_code == 400
    assert post_form(coordinator, f"{base}/suspend", f"{base}/suspend", {"reason": "等待认定"}).status_code == 302
    assert "挂起中" in coordinator.get(f"/items/{item.id}").get_data(as_text=True)
    assert post_form(coordinator, f"{base}/suspend", f"{base}/suspend", {"reason": "again"}).status_code == 409
    assert post_form(coordinator, f"{base}/resume", f"{base}/resume", {"note": "已认定"}).status_code == 302
    db.expire_all()
    assert item.suspended_at is None
    accept = open_work(db, item)[0]
    urge_url = f"{base}/urge/{accept.task_uuid}"
    assert post_form(coordinator, urge_url, urge_url, {"message": ""}).status_code == 400
    assert post_form(coordinator, urge_url, urge_url, {"message": "请今天签收"}).status_code == 302
    assert db.scalar(select(func.count()).select_from(Urge)) == 1
    member = as_user(org.a_member)
    bell = member.get("/").get_data(as_text=True)
    assert 'id="unread-count"' in bell
    assert "催办" in member.get("/notifications").get_data(as_text=True)
    assert 'id="urge-count">1 次' in member.get(f"/items/{item.id}").get_data(as_text=True)


def test_monitoring_pages_by_role(db, org, as_user):
    item = assigned(db, org)
    work = open_work(db, item)[0]
    work.due_at = NOW - timedelta(hours=2)  # overdue
    db.flush()
    coordinator = as_user(org.coordinator)
    page = coordinator.get("/deadlines/board").get_data(as_text=True)
    assert org.squad_a.name in page and 'id="total-overdue">1<' in page
    assert as_user(org.a_member).get("/deadlines/board").status_code == 403
    assert coordinator.get("/deadlines/escalations").status_code == 403
    assert as_user(org.leader).get("/deadlines/escalations").status_code == 200
    assert db.scalar(select(func.count()).select_from(Notification)) >= 1


def test_board_shows_colour_levels_of_open_subjects(db, org, as_user):
    """The level badge macro is imported without context: its labels and classes must be template globals."""
    item = assigned(db, org)
    row = db.scalar(select(Subject).where(Subject.family == "instructed_item", Subject.subject_id == item.id))
    row.level = item.level = "orange"
    row.deadline_at = NOW - timedelta(hours=1)
    db.flush()
    response = as_user(org.coordinator).get("/deadlines/board")
    assert response.status_code == 200
    assert 'level-badge" title="督办等级">超期</span>' in response.get_data(as_text=True)
    item_page = as_user(org.coordinator).get(f"/items/{item.id}").get_data(as_text=True)
    assert 'level-badge" title="督办等级">超期</span>' in item_page
