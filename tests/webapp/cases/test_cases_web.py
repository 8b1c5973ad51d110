"""The done-criterion in the browser: a coordinator supervises a major case by letter and on site, finds a
problem in 法律适用, gets it rectified, refers the slow squad to 督察科 and sees the outcome."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

from docx import Document
from sqlalchemy import func, select

from models.attachments import Attachment
from models.cases import MajorCase, SupervisionLetter
from models.org import Role
from models.referrals import AccountabilityReferral
from tests.factories import finish, make_case, make_user, open_work
from tests.webapp.helpers import post_form

OPEN = {"title": "仙霞路某餐饮店违法搭建案", "case_number": "3101052026000456", "parties": "某餐饮店",
        "violation": "擅自搭建彩钢板房约30平方米", "stage": "investigating", "squad_id": "", "handler_id": "0",
        "forms": ["letter", "onsite"], "matters": "请依法查处并于期限内报告"}


def _step(db, case, step):
    db.expire_all()  # the requests changed rows behind this session (SQLite reuses freed ids)
    return next(w for w in open_work(db, case) if w.step == step)


def _submit(client, case, work, values):
    data = {f"{work.step}-{k}": v for k, v in values.items()}
    return post_form(client, f"/cases/{case.id}", f"/s/major_case/{case.id}/steps/{work.task_uuid}", data)


def _review(client, db, case, **over):
    values = {"mode": "conclude", "rectify_days": "5"}
    for p in ("filing", "determination", "law", "procedure", "penalty"):
        values[f"result_{p}"] = "ok"
    values.update(over)
    return _submit(client, case, _step(db, case, "review_points"), values)


def test_open_with_missing_fields_says_so_and_saves_nothing(as_user, org, db):
    client = as_user(org.coordinator)
    resp = post_form(client, "/cases/new", "/cases/new", {**OPEN, "squad_id": str(org.squad_a.id), "title": "",
                                                          "forms": []})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400 and 'data-field="title"' in html and 'data-field="forms"' in html
    assert "擅自搭建彩钢板房约30平方米" in html
    assert db.scalar(select(func.count(MajorCase.id))) == 0


def _open_and_record(client, org, db) -> MajorCase:
    resp = post_form(client, "/cases/new", "/cases/new", {**OPEN, "squad_id": str(org.squad_a.id)})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:2000]
    case = db.scalar(select(MajorCase))
    assert case.form_labels == "文函督办、现场督办"
    resp = _review(client, db, case)
    assert resp.status_code == 400 and "请先登记现场督办的督办记录" in resp.get_data(as_text=True)
    held = (datetime.now(UTC) + timedelta(hours=8) - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    resp = post_form(client, f"/cases/{case.id}", f"/cases/{case.id}/records", {
        "record-form": "onsite", "record-held_at": held, "record-people": "协调科、华阳路中队",
        "record-content": "现场违法建筑未拆除", "record-files": (io.BytesIO(b"\xff\xd8photo"), "现场照片.jpg")},
        content_type="multipart/form-data")
    assert resp.status_code == 302, resp.get_data(as_text=True)[:2000]
    assert db.scalar(select(Attachment.step).where(Attachment.family == "major_case")).startswith("record-")
    return case


def _find_law_problem_and_rectify(as_user, client, org, db, case) -> None:
    resp = _review(client, db, case, result_law="problem")
    assert resp.status_code == 400 and 'data-field="review_points-note_law"' in resp.get_data(as_text=True)
    assert _review(client, db, case, result_law="problem", note_law="适用条款错误").status_code == 302
    letter = db.scalar(select(SupervisionLetter))
    page = client.get(f"/cases/letters/{letter.id}").get_data(as_text=True)
    assert letter.number in page and "法律适用：适用条款错误" in page and "letter.css" in page  # print CSS (CSP)
    assert "@media print" in client.get("/static/letter.css").get_data(as_text=True)
    squad = as_user(org.a_member)
    assert _submit(squad, case, _step(db, case, "rectify"), {"answer_law": "已变更适用条款"}).status_code == 302
    client = as_user(org.coordinator)
    verify = _step(db, case, "verify")
    assert _submit(client, case, verify, {"decision": "return", "opinion": "未重新制作决定书"}).status_code == 302
    squad = as_user(org.a_member)
    assert _submit(squad, case, _step(db, case, "rectify"), {"answer_law": "已重新制作"}).status_code == 302
    client = as_user(org.coordinator)
    assert _submit(client, case, _step(db, case, "verify"), {"decision": "approve"}).status_code == 302
    db.refresh(case)
    assert case.status == "closed"


def _refer_slow_squad(client, org, db, case) -> AccountabilityReferral:
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "已整改" in page and "转追责" in page
    new = f"/referrals/new?family=major_case&subject_id={case.id}&classification=slow"
    form = client.get(new).get_data(as_text=True)
    assert "督察科" in form and case.number in form
    resp = post_form(client, new, "/referrals/new", {
        "family": "major_case", "subject_id": str(case.id), "classification": "slow", "target_kind": "squad",
        "target_user_id": "0", "target_squad_id": str(org.squad_a.id), "facts": "整改拖延，两次退回",
        "section_id": str(org.inspection.id)})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:2000]
    return db.scalar(select(AccountabilityReferral))


def test_supervise_by_letter_and_on_site_through_to_referral_outcome(as_user, org, db):
    client = as_user(org.coordinator)
    case = _open_and_record(client, org, db)
    _find_law_problem_and_rectify(as_user, client, org, db, case)
    client = as_user(org.coordinator)
    referral = _refer_slow_squad(client, org, db, case)
    officer = as_user(org.officer)
    assert referral.number in officer.get("/").get_data(as_text=True), "the responsible section's to-do"
    for step, values in [("accept", {"decision": "accept"}), ("investigate", {"findings": "属实"}),
                         ("record_outcome", {"outcome": "talk", "outcome_on": datetime.now(UTC).date().isoformat(),
                                             "doc_number": "长督察〔2026〕5号"})]:
        db.expire_all()
        work = next(w for w in open_work(db, referral) if w.step == step)
        resp = post_form(officer, f"/referrals/{referral.id}", f"/s/referral/{referral.id}/steps/{work.task_uuid}",
                         {f"{step}-{k}": v for k, v in values.items()})
        assert resp.status_code == 302, resp.get_data(as_text=True)[:2000]
    client = as_user(org.coordinator)
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert referral.number in page and "谈话提醒/批评教育" in page


def test_letter_docx_holds_the_fields(as_user, org, db):
    case = make_case(db, org, forms=["letter"])
    work = open_work(db, case)[0]
    values = {f"result_{p}": "ok" for p in ("filing", "determination", "procedure", "penalty")}
    values.update(mode="conclude", result_law="problem", note_law="适用条款错误", rectify_days=5)
    now = datetime.now(UTC)
    finish(db, actor=org.coordinator, now=now, case=case, task_uuid=work.task_uuid, values=values)
    letter = db.scalar(select(SupervisionLetter))
    resp = as_user(org.a_leader).get(f"/cases/letters/{letter.id}.docx")
    assert resp.status_code == 200 and resp.mimetype.endswith("wordprocessingml.document")
    text = [p.text for p in Document(io.BytesIO(resp.data)).paragraphs]
    assert text[0] == "长宁区城市管理行政执法局" and text[1] == "督 办 函" and text[2] == letter.number
    assert text[3] == f"{org.squad_a.name}：" and "1. 法律适用：适用条款错误" in text
    assert any(case.title in t and "请依法查处" in t for t in text)
    deadline = case.deadline_at.astimezone(__import__("zoneinfo").ZoneInfo("Asia/Shanghai"))
    assert any(deadline.strftime("%Y年%m月%d日") in t for t in text)
    issued = letter.issued_on
    assert text[-1] == f"{issued.year}年{issued.month}月{issued.day}日"
    assert as_user(org.b_member).get(f"/cases/letters/{letter.id}.docx").status_code == 404


def test_lists_and_figures(as_user, org, db):
    legal = make_user(db, Role.SECTION_OFFICER, section=org.legal)
    now = datetime.now(UTC)
    make_case(db, org, forms=["letter", "phone"], now=now)
    other = make_case(db, org, forms=["meeting"], squad=org.squad_b, now=now, title="江苏路渣土案")
    client = as_user(org.coordinator)
    html = client.get("/cases").get_data(as_text=True)
    assert "某餐饮店违法搭建案" in html and "江苏路渣土案" in html and 'id="open-matrix"' in html
    html = client.get(f"/cases?form=phone&squad={org.squad_a.id}").get_data(as_text=True)
    assert "某餐饮店违法搭建案" in html and "江苏路渣土案" not in html
    assert "江苏路渣土案" not in as_user(org.a_member).get("/cases").get_data(as_text=True)
    assert "江苏路渣土案" in as_user(legal).get("/cases").get_data(as_text=True)
    assert as_user(org.officer).get(f"/cases/{other.id}").status_code == 404
    client = as_user(org.leader)
    html = client.get(f"/cases/figures?month={now.strftime('%Y-%m')}").get_data(as_text=True)
    assert 'id="by-squad"' in html and org.squad_a.name in html
    assert client.get("/cases/figures?month=2026-13").status_code == 400
    assert as_user(org.a_leader).get("/cases/figures").status_code == 403
