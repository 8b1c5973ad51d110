"""Petition pages: register, list with masking and scope, repeat decision, steps, import, callbacks, figures."""

from __future__ import annotations

import io
import re
from datetime import timedelta

from sqlalchemy import select

from models.petitions import Callback, ImportJob, Petition, RepeatCandidate
from tests.factories import NOW, make_petition
from tests.webapp.helpers import post_form, token_from
from tests.workflows.petitions.helpers import closed_petition
from workflows.petitions import callbacks, ledger

FULL_PHONE, MASKED_PHONE = "13800135678", "138****5678"


def test_register_form_errors_next_to_fields_then_created(as_user, db, org):
    client = as_user(org.coordinator)
    page = "/petitions/new"
    data = {"channel": "hotline", "received_at": "2026-11-01T09:30", "street": org.squad_a.street,
            "address": "延安西路123号", "category": "噪音", "content": "夜间施工", "petitioner_phone": "12"}
    resp = post_form(client, page, page, data)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400 and 'data-field="petitioner_phone"' in html and "联系电话格式不正确" in html
    assert db.scalar(select(Petition)) is None
    resp = post_form(client, page, page, {**data, "petitioner_phone": FULL_PHONE})
    assert resp.status_code == 302
    petition = db.scalar(select(Petition))
    assert petition.squad_id == org.squad_a.id and petition.petitioner_phone == FULL_PHONE


def test_squad_never_sees_another_squads_petitioners(as_user, db, org):
    mine = make_petition(db, org)
    other = make_petition(db, org, street=org.squad_b.street, petitioner_phone="13911112222",
                          address="天山路5号", content="另一件")
    client = as_user(org.b_member)
    listing = client.get("/petitions").get_data(as_text=True)
    assert other.number in listing and mine.number not in listing
    assert FULL_PHONE not in listing and "139****2222" in listing and "13911112222" not in listing
    assert client.get(f"/petitions/{mine.id}").status_code == 404, "another squad's: exactly like an unknown id"
    assert client.get(f"/petitions/{other.id}").status_code == 200
    assert "13911112222" in client.get(f"/petitions/{other.id}").get_data(as_text=True)
    client = as_user(org.officer)
    assert client.get(f"/petitions/{mine.id}").status_code == 404
    client = as_user(org.coordinator)
    listing = client.get("/petitions").get_data(as_text=True)
    assert MASKED_PHONE in listing and FULL_PHONE not in listing and "张**" in listing
    detail = client.get(f"/petitions/{mine.id}").get_data(as_text=True)
    assert FULL_PHONE in detail and "310105199001011234" in detail
    assert client.get("/petitions/999999").status_code == 404


def test_confirm_repeat_in_browser_flags_the_chain(as_user, db, org):
    first = make_petition(db, org, received_at=NOW - timedelta(days=30))
    second = make_petition(db, org)
    cand = db.scalar(select(RepeatCandidate).where(RepeatCandidate.petition_id == second.id))
    client = as_user(org.coordinator)
    page = f"/petitions/{second.id}"
    assert "同一联系电话" in client.get(page).get_data(as_text=True)
    resp = post_form(client, page, f"/petitions/candidates/{cand.id}/confirm", {})
    db.expire_all()
    assert resp.status_code == 302 and second.repeat_of_id == first.id
    again = post_form(client, page, f"/petitions/candidates/{cand.id}/confirm", {})
    assert again.status_code == 409
    listing = client.get("/petitions?repeat=yes").get_data(as_text=True)
    assert listing.count("重复 · 链2件") == 2
    assert second.number not in client.get("/petitions?repeat=no").get_data(as_text=True)


def test_steps_through_the_browser(as_user, db, org):
    petition = make_petition(db, org)
    client = as_user(org.coordinator)
    page = f"/petitions/{petition.id}"
    work = lambda: re.search(r'/steps/([0-9a-f-]{36})', client.get(page).get_data(as_text=True)).group(1)  # noqa: E731
    resp = post_form(client, page, f"/s/petition/{petition.id}/steps/{work()}", {"assign-decision": "assign",
                                                              "assign-squad_id": org.squad_a.id})
    db.expire_all()
    assert resp.status_code == 302 and "签收" in petition.current_step_name
    client = as_user(org.a_member)
    resp = post_form(client, page, f"/s/petition/{petition.id}/steps/{work()}", {"accept-handler_id": org.a_member.id})
    assert resp.status_code == 400 and "请填写受理告知日期" in resp.get_data(as_text=True)
    resp = post_form(client, page, f"/s/petition/{petition.id}/steps/{work()}", {"accept-handler_id": org.a_member.id,
                                                              "accept-notified_on": "2026-11-02"})
    db.expire_all()
    assert resp.status_code == 302 and petition.handler_id == org.a_member.id


def ledger_file(org) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(list(ledger.COLUMNS))
    for i in range(5):
        book.active.append([f"L-{i}", "来信", "2026-10-20 09:30", "赵六", f"1360000{i:04d}", "", f"虹桥路{i}号",
                            org.squad_a.street, "违法搭建", f"虹桥路{i}号违法搭建{i}"])
    book.active.append(["L-9", "电报", "2026-10-20 09:30", "", "", "", "x", "", "噪音", "内容"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_import_ledger_in_browser_with_progress_and_reimport(as_user, db, org):
    client = as_user(org.coordinator)
    assert client.get("/petitions/imports/template.xlsx").status_code == 200
    demo = client.get("/petitions/imports/demo-ledger.xlsx")
    assert demo.status_code == 200 and len(ledger.parse_workbook(demo.data)) >= 20
    for _attempt in (1, 2):
        resp = client.post("/petitions/imports", data={"csrf_token": token_from(client, "/petitions/imports"),
                                                       "file": (io.BytesIO(ledger_file(org)), "台账.xlsx")},
                           content_type="multipart/form-data")
        assert resp.status_code == 302
        html = client.get(resp.headers["Location"]).get_data(as_text=True)
        assert "导入完成" in html and "第 7 行" in html and "来源渠道" in html
    db.expire_all()
    job = db.scalars(select(ImportJob).order_by(ImportJob.id.desc())).first()
    assert (job.created_count, job.duplicate_count, job.refused_count) == (0, 5, 1)
    assert len(db.scalars(select(Petition)).all()) == 5
    bad = client.post("/petitions/imports", data={"csrf_token": token_from(client, "/petitions/imports"),
                                                  "file": (io.BytesIO(b"junk"), "x.xlsx")},
                      content_type="multipart/form-data")
    assert bad.status_code == 400 and "不是有效的 Excel" in bad.get_data(as_text=True)
    assert as_user(org.a_leader).get("/petitions/imports").status_code == 403


def test_long_ledger_is_taken_in_chunks_with_a_refreshing_progress_page(as_user, app, db, org):
    app.config["PETITION_IMPORT_CHUNK"] = 2
    client = as_user(org.coordinator)
    resp = client.post("/petitions/imports", data={"csrf_token": token_from(client, "/petitions/imports"),
                                                   "file": (io.BytesIO(ledger_file(org)), "台账.xlsx")},
                       content_type="multipart/form-data")
    first = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert 'http-equiv="refresh"' in first and "正在导入" in first and "已处理 2 行" in first
    pages = [client.get(resp.headers["Location"]).get_data(as_text=True) for _ in range(3)]
    assert "已处理 4 行" in pages[0] and "导入完成" in pages[-1] and 'http-equiv="refresh"' not in pages[-1]
    assert len(db.scalars(select(Petition)).all()) == 5


def test_month_callback_plan_and_unsatisfied_reopens_in_browser(as_user, db, org):
    petition = closed_petition(db, org)
    client = as_user(org.coordinator)
    resp = post_form(client, "/petitions/callbacks", "/petitions/callbacks/generate",
                     {"month": "2026-11", "sample_percent": 100})
    assert resp.status_code == 302
    call = db.scalar(select(Callback).where(Callback.petition_id == petition.id))
    page = f"/petitions/callbacks/plans/{call.plan_id}"
    assert "样本已按种子复核一致" in client.get(page).get_data(as_text=True)
    prefix = f"c{call.id}-"
    resp = post_form(client, page, f"/petitions/callbacks/{call.id}",
                     {prefix + "reached": "yes", prefix + "satisfaction": "unsatisfied", prefix + "solved": "no"})
    assert resp.status_code == 400 and "不满意或未解决时请说明情况" in resp.get_data(as_text=True)
    resp = post_form(client, page, f"/petitions/callbacks/{call.id}",
                     {prefix + "reached": "yes", prefix + "satisfaction": "unsatisfied", prefix + "solved": "no",
                      prefix + "notes": "噪音依旧"})
    db.expire_all()
    assert resp.status_code == 302
    assert petition.status == "open" and petition.current_step_name == "重新整改"
    plans = client.get("/petitions/callbacks?month=2026-11").get_data(as_text=True)
    assert "100%" in plans
    figures = client.get("/petitions/figures?month=2026-11").get_data(as_text=True)
    assert org.squad_a.name in figures
    assert as_user(org.b_leader).get(page).status_code == 403


def test_finding_and_referral_link_only_when_endpoint_exists(as_user, app, db, org):
    petition = closed_petition(db, org)
    client = as_user(org.coordinator)
    page = f"/petitions/{petition.id}"
    resp = post_form(client, page, f"{page}/findings", {"finding-classification": "slow", "finding-source": "callback",
                                                         "finding-description": "超期未整改"})
    assert resp.status_code == 302
    html = client.get(page).get_data(as_text=True)
    assert "慢作为" in html
    assert ("转追责" in html) == ("referrals.new" in app.view_functions)


def test_reproducible_plan_seed_is_shown(as_user, db, org):
    closed_petition(db, org)
    plan = callbacks.propose_plan(db, actor=org.coordinator, now=NOW, month="2026-11", squad=org.squad_a,
                                  sample_percent=50)
    html = as_user(org.coordinator).get("/petitions/callbacks?month=2026-11").get_data(as_text=True)
    assert str(plan.seed) in html


def test_time_limits_come_from_the_rule_book(as_user, app, db, org):
    from datetime import UTC, datetime, timedelta

    from workflows.deadlines.rules import save_rule

    save_rule(db, actor_id=org.admin.id, now=datetime.now(UTC) - timedelta(days=60), family="petition", kind=0,
              step="", values={"unit": "workday", "amount": 5, "yellow_pct": 67, "red_workdays": 1,
                               "escalate_workdays": 1, "red_after_urges": 2, "order_answer_workdays": 3,
                               "max_extension_workdays": 30})
    client = as_user(org.coordinator)
    page = "/petitions/new"
    data = {"channel": "visit", "received_at": "2026-11-02T09:30", "street": org.squad_a.street,
            "address": "延安西路9号", "category": "噪音", "content": "夜间施工"}
    assert post_form(client, page, page, data).status_code == 302
    petition = db.scalar(select(Petition))
    days = (petition.conclude_due_at - petition.received_at).days
    assert 5 <= days <= 9, "five working days, not sixty"


def test_a_leader_sees_masked_numbers_and_reveals_one_once_with_audit(as_user, db, org):
    from models.audit import AuditEntry

    petition = make_petition(db, org)
    client = as_user(org.leader)
    page = f"/petitions/{petition.id}"
    html = client.get(page).get_data(as_text=True)
    assert MASKED_PHONE in html and FULL_PHONE not in html and "3101**********1234" in html
    assert f"/petitions/{petition.id}/reveal/phone" in html and "显示完整" in html
    resp = post_form(client, page, f"{page}/reveal/phone", {})
    shown = resp.get_data(as_text=True)
    assert resp.status_code == 200 and FULL_PHONE in shown and "310105199001011234" not in shown
    assert resp.headers["Cache-Control"] == "no-store"
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "pii_revealed"))
    assert entry.actor_id == org.leader.id and entry.address and entry.details == {"field": "phone"}
    assert FULL_PHONE not in client.get(page).get_data(as_text=True), "shown once: the next visit is masked"
    assert client.post(f"{page}/reveal/phone").status_code == 400, "no CSRF token, no reveal"
    other = as_user(org.b_member)
    assert post_form(other, "/petitions", f"{page}/reveal/phone", {}).status_code == 404
    coordinator = as_user(org.coordinator)
    assert "显示完整" not in coordinator.get(page).get_data(as_text=True), "who handles it sees it in full"


def test_search_by_a_whole_phone_or_id_number_uses_the_blind_index(as_user, db, org):
    mine = make_petition(db, org)
    make_petition(db, org, petitioner_phone="13911112222", petitioner_id_no="", address="天山路5号", content="另")
    client = as_user(org.coordinator)
    for q in ("138-0013-5678", "310105199001011234"):
        listing = client.get("/petitions", query_string={"q": q}).get_data(as_text=True)
        assert mine.number in listing and "天山路5号" not in listing
