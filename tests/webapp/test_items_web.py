"""The instructed-item pages through the test client, CSRF switched on."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from sqlalchemy import func, select

from models.attachments import Attachment
from models.items import SupervisedItem
from tests.factories import finish, make_item, open_work
from tests.webapp.helpers import post_form


def register_data(**over):
    data = {"kind": "5", "title": "虹桥路夜间施工噪音被媒体曝光", "source_doc_number": "新民晚报2026-11-01",
            "instructing_leader": "媒体", "instruction_text": "请调查核实并回复。",
            "received_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M"), "deadline_on": ""}
    data.update(over)
    return data


def test_login_with_wrong_password_says_so_next_to_the_field(client, org):
    resp = post_form(client, "/login", "/login", {"username": org.coordinator.username, "password": "wrong"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "用户名或密码错误" in html and 'data-field="password"' in html


def test_pages_need_login(client):
    resp = client.get("/items")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]


def test_register_with_missing_fields_keeps_input_and_saves_nothing(as_user, org, db):
    client = as_user(org.coordinator)
    resp = post_form(client, "/items/new", "/items/new", register_data(title="", instruction_text="保留这段文字"))
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert 'data-field="title"' in html and "此项为必填项" in html
    assert "保留这段文字" in html
    assert db.scalar(select(func.count(SupervisedItem.id))) == 0


def test_register_rejects_a_bad_date(as_user, org, db):
    client = as_user(org.coordinator)
    resp = post_form(client, "/items/new", "/items/new", register_data(deadline_on="2026-13-45"))
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400 and 'data-field="deadline_on"' in html and "不是有效的日期值" in html
    assert db.scalar(select(func.count(SupervisedItem.id))) == 0


def test_register_then_assign_in_the_browser_flow(as_user, org, db):
    client = as_user(org.coordinator)
    resp = post_form(client, "/items/new", "/items/new", register_data())
    assert resp.status_code == 302
    item = db.scalar(select(SupervisedItem))
    page = client.get(f"/items/{item.id}").get_data(as_text=True)
    assert "登记督办件" in page and "交办" in page
    work = open_work(db, item)[0]
    resp = post_form(client, f"/items/{item.id}", f"/s/instructed_item/{item.id}/steps/{work.task_uuid}",
                     {"assign-lead_squad_id": str(org.squad_a.id), "assign-instructions": "请速办"})
    assert resp.status_code == 302
    db.refresh(item)
    assert item.lead_squad_id == org.squad_a.id
    assert "签收" in item.current_step_name
    again = post_form(client, f"/items/{item.id}", f"/s/instructed_item/{item.id}/steps/{work.task_uuid}",
                      {"assign-lead_squad_id": str(org.squad_b.id)})
    assert again.status_code == 409 and "已办理完毕" in again.get_data(as_text=True)
    db.refresh(item)
    assert item.lead_squad_id == org.squad_a.id


def test_missing_csrf_token_is_refused(as_user, org, db):
    client = as_user(org.coordinator)
    resp = client.post("/items/new", data=register_data())
    assert resp.status_code == 400 and "CSRF" in resp.get_data(as_text=True)
    assert db.scalar(select(func.count(SupervisedItem.id))) == 0


def test_unknown_and_foreign_items(as_user, org, db):
    item = make_item(db, org)
    finish(db, actor=org.coordinator, now=item.registered_at, item=item,
                             task_uuid=open_work(db, item)[0].task_uuid,
                             values={"lead_squad_id": org.squad_a.id})
    client = as_user(org.b_member)
    assert client.get("/items/999999").status_code == 404
    assert client.get(f"/items/{item.id}").status_code == 404, "another squad's item answers like an unknown one"
    assert item.title not in client.get("/items").get_data(as_text=True)


def _to_investigate(db, org):
    item = make_item(db, org)
    now = item.registered_at
    for values in ({"lead_squad_id": org.squad_a.id}, {"handler_id": org.a_member.id}):
        work = open_work(db, item)[0]
        actor = org.coordinator if work.step_group == "coordination" else org.a_member
        finish(db, actor=actor, now=now, item=item, task_uuid=work.task_uuid, values=values)
    return item, open_work(db, item)[0]


def test_evidence_upload_keeps_the_chinese_name_and_download_is_scoped(as_user, org, db, app):
    item, work = _to_investigate(db, org)
    client = as_user(org.a_member)
    data = {"investigate-findings": "现场照片已上传",
            "investigate-files": (io.BytesIO(b"%PDF-1.4 evidence"), "现场照片 第1张.pdf")}
    resp = post_form(client, f"/items/{item.id}", f"/s/instructed_item/{item.id}/steps/{work.task_uuid}", data,
                     content_type="multipart/form-data")
    assert resp.status_code == 302, resp.get_data(as_text=True)[:300]
    row = db.scalar(select(Attachment))
    assert row.original_name == "现场照片 第1张.pdf" and row.stored_name != row.original_name
    assert row.stored_name.endswith(".pdf") and row.size == len(b"%PDF-1.4 evidence")
    got = client.get(f"/attachments/{row.id}")
    assert got.status_code == 200 and got.data == b"%PDF-1.4 evidence"
    assert "filename*=UTF-8''" in got.headers["Content-Disposition"]
    other = as_user(org.b_member)
    assert other.get(f"/attachments/{row.id}").status_code == 404
    assert other.get("/attachments/424242").status_code == 404


def test_upload_of_a_forbidden_type_is_refused_and_nothing_saved(as_user, org, db):
    item, work = _to_investigate(db, org)
    client = as_user(org.a_member)
    data = {"investigate-findings": "附件", "investigate-files": (io.BytesIO(b"MZ..."), "病毒.exe")}
    resp = post_form(client, f"/items/{item.id}", f"/s/instructed_item/{item.id}/steps/{work.task_uuid}", data,
                     content_type="multipart/form-data")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400 and "不支持的文件类型" in html and "附件" in html
    assert db.scalar(select(func.count(Attachment.id))) == 0
    assert [w.step for w in open_work(db, item)] == ["investigate"]


def test_oversize_upload_gets_413(as_user, org, db, app):
    item, work = _to_investigate(db, org)
    app.config["MAX_CONTENT_LENGTH"] = 1024
    client = as_user(org.a_member)
    data = {"investigate-findings": "大文件", "investigate-files": (io.BytesIO(b"x" * 4096), "大.pdf")}
    resp = post_form(client, f"/items/{item.id}", f"/s/instructed_item/{item.id}/steps/{work.task_uuid}", data,
                     content_type="multipart/form-data")
    assert resp.status_code == 413 and "上传文件过大" in resp.get_data(as_text=True)
    assert [w.step for w in open_work(db, item)] == ["investigate"]


def test_claim_and_reassign_inside_a_squad(as_user, org, db):
    item = make_item(db, org)
    finish(db, actor=org.coordinator, now=item.registered_at, item=item,
                             task_uuid=open_work(db, item)[0].task_uuid,
                             values={"lead_squad_id": org.squad_a.id})
    work = open_work(db, item)[0]
    member = as_user(org.a_member)
    assert "签收" in member.get("/").get_data(as_text=True)
    assert post_form(member, "/", f"/work/{work.id}/claim", {}).status_code == 302
    db.refresh(work)
    assert work.assignee_id == org.a_member.id
    assert item.title not in as_user(org.a_member2).get("/").get_data(as_text=True)
    leader = as_user(org.a_leader)
    resp = post_form(leader, "/", f"/work/{work.id}/transfer", {"user_id": str(org.a_member2.id)})
    assert resp.status_code == 302
    db.refresh(work)
    assert work.assignee_id == org.a_member2.id
    page = as_user(org.coordinator).get(f"/items/{item.id}").get_data(as_text=True)
    assert "当前办理人：A队员二" in page
    leader = as_user(org.a_leader)
    outsider = post_form(leader, "/", f"/work/{work.id}/transfer", {"user_id": str(org.b_member.id)},
                         follow_redirects=True)
    db.refresh(work)
    assert "请选择本单位在岗人员" in outsider.get_data(as_text=True) and work.assignee_id == org.a_member2.id
    member = as_user(org.a_member)
    refused = post_form(member, "/", f"/work/{work.id}/transfer", {"user_id": str(org.a_member.id)},
                        follow_redirects=True)
    assert "只有本单位负责人或当前办理人可以转办" in refused.get_data(as_text=True)
    db.refresh(work)
    assert work.assignee_id == org.a_member2.id
