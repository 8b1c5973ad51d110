"""Routine supervision through the client: a round walked on its pages (plan, sample, assign with a guest reviewer,
the guest's score sheet, confirm, rectify, verify), guest confinement, and every page answering."""

from __future__ import annotations

import io
import re
from datetime import date

import openpyxl
import pytest
from sqlalchemy import select

from models.attachments import Attachment
from models.inspections import Finding, RoundReviewer
from models.org import Role, User
from tests.conftest import PASSWORD
from tests.factories import NOW, make_case_files, make_finding, make_item, make_round, make_templates, open_work
from tests.webapp.helpers import post_form
from workflows.inspections import periods, review

LONG = periods.Period("2026-T", "测试期间", date(2026, 1, 1), date(2099, 12, 31))
JPEG = b"\xff\xd8\xff\xe0" + b"0" * 64


def _work(db, subject, step):
    return next(w for w in open_work(db, subject) if w.step == step)


def _step(client, db, subject, step, data, family="inspection_round", page=None):
    work = _work(db, subject, step)
    page = page or f"/inspections/{subject.id}"
    values = {f"{step}-{k}": v for k, v in data.items()}
    resp = post_form(client, page, f"/s/{family}/{subject.id}/steps/{work.task_uuid}", values)
    db.expire_all()  # the app wrote through its own session
    return resp


def _login_guest(client, username, password):
    client.get("/logout")
    with client.session_transaction() as s:
        s.clear()
    html = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token})


@pytest.fixture
def setup(db, org):
    templates = make_templates(db)
    make_case_files(db, org.squad_a, 4, handler=org.a_member)
    make_case_files(db, org.squad_b, 4)
    rnd = make_round(db, org, templates["case_review"], period=LONG)  # the page invites with the real clock
    other = make_round(db, org, templates["publicity"])
    return rnd, other


def test_round_walked_on_its_pages_with_a_guest_reviewer(db, org, as_user, client, setup):
    rnd, other = setup
    officer = as_user(org.officer)
    page = officer.get(f"/inspections/{rnd.id}")
    assert page.status_code == 200 and "制定检查计划" in page.get_data(as_text=True)
    resp = _step(officer, db, rnd, "plan", {"scope": "10月案卷", "squad_ids": [org.squad_a.id, org.squad_b.id],
                                            "sample_size": "1"})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:2000]
    assert _step(officer, db, rnd, "sample", {"seed": "7"}).status_code == 302
    assert len(rnd.targets) == 2
    resp = post_form(officer, f"/inspections/{rnd.id}", f"/inspections/{rnd.id}/guests",
                     {"name": "李律师", "organisation": "legal_adviser"})
    html = resp.get_data(as_text=True)
    username, password = re.search(r"用户名 <code>([^<]+)</code>，初始密码 <code>([^<]+)</code>", html).groups()
    assert _step(officer, db, rnd, "assign", {"reviewer_ids": []}).status_code == 302
    guest = db.scalar(select(User).where(User.username == username))
    assert guest.has(Role.GUEST_REVIEWER) and {t.reviewer_id for t in rnd.targets} == {guest.id}

    assert _login_guest(client, username, password).status_code == 302
    assert client.get(f"/inspections/{rnd.id}").status_code == 200
    assert client.get(f"/inspections/{other.id}").status_code == 404, "a guest sees only their round"
    item = make_item(db, org)
    assert client.get(f"/items/{item.id}").status_code in (403, 404)
    assert client.get("/inspections/findings").status_code == 200
    listed = client.get("/inspections").get_data(as_text=True)
    assert rnd.number in listed and other.number not in listed
    target = rnd.targets[0]
    items = rnd.template_version.items
    form = {f"item_{i.id}": "pass" for i in items if i.method == "pass_fail"}
    bad = post_form(client, f"/inspections/{rnd.id}/targets/{target.id}/review",
                    f"/inspections/{rnd.id}/targets/{target.id}/review",
                    {**form, "p0_category": f"{items[0].id}:事实不清", "p0_text": ""})
    assert bad.status_code == 400 and "请填写描述" in bad.get_data(as_text=True)
    ok = post_form(client, f"/inspections/{rnd.id}/targets/{target.id}/review",
                   f"/inspections/{rnd.id}/targets/{target.id}/review",
                   {**form, "p0_category": f"{items[0].id}:事实不清", "p0_text": "现场照片与笔录时间不符",
                    "p0_video": "https://video.example/1", "p0_video_at": "00:03:10",
                    "p0_files": (io.BytesIO(JPEG), "现场.jpg")}, content_type="multipart/form-data")
    assert ok.status_code == 302, ok.get_data(as_text=True)[-3000:]
    second = rnd.targets[1]
    assert post_form(client, f"/inspections/{rnd.id}/targets/{second.id}/review",
                     f"/inspections/{rnd.id}/targets/{second.id}/review", form).status_code == 302
    db.expire_all()
    finding = db.scalar(select(Finding).where(Finding.round_id == rnd.id))
    assert float(finding.deduction) == 5.0 and float(target.score) == 95.0
    assert db.scalar(select(Attachment).where(Attachment.family == "finding", Attachment.subject_id == finding.id))

    officer = as_user(org.officer)
    assert _step(officer, db, rnd, "review", {"opinion": ""}).status_code == 302
    assert _step(officer, db, rnd, "confirm", {"opinion": "确认"}).status_code == 302
    db.refresh(guest)
    assert not guest.active, "the guest account ends with the round's review"
    assert db.scalar(select(RoundReviewer.expires_at).where(RoundReviewer.user_id == guest.id)) is not None
    assert _login_guest(client, username, password).status_code == 200  # refused

    squad = as_user(org.a_leader)
    fpage = f"/inspections/findings/{finding.id}"
    assert squad.get(fpage).status_code == 200
    assert _step(squad, db, finding, "rectify", {"measures": "已重新制作笔录"}, "finding", fpage).status_code == 302
    assert as_user(org.b_leader).get(fpage).status_code == 404, "another squad's finding is hidden"
    officer = as_user(org.officer)
    assert _step(officer, db, finding, "verify", {"verdict": "pass"}, "finding", fpage).status_code == 302
    db.refresh(rnd)
    assert finding.status == "closed" and rnd.stage == "closed"
    report = officer.get(f"/inspections/{rnd.id}/report").get_data(as_text=True)
    assert "现场照片与笔录时间不符" in report
    docx = officer.get(f"/inspections/{rnd.id}/report.docx")
    assert docx.status_code == 200 and docx.data[:2] == b"PK"
    coordinator = as_user(org.coordinator)
    assert "转追责" in coordinator.get(fpage).get_data(as_text=True)
    refer = coordinator.get(f"/referrals/new?family=finding&subject_id={finding.id}")
    assert refer.status_code == 200 and "现场.jpg" in refer.get_data(as_text=True)


PAGES = ["/inspections", "/inspections/findings", "/inspections/tasks", "/inspections/templates",
         "/inspections/register", "/inspections/figures", "/inspections/training",
         "/inspections/ledger?squad={squad}&period=2026-Q4", "/inspections/ledger.xlsx?squad={squad}&period=2026-11",
         "/inspections/new", "/inspections/tasks/2026.xlsx", "/inspections/register/sample.xlsx",
         "/inspections/templates/{template}", "/inspections/{round}/report"]
BUREAU_ONLY = ["/inspections/tasks", "/inspections/templates", "/inspections/register", "/inspections/figures"]


def test_pages_answer_for_the_inspection_section_and_refuse_squad_members(db, org, as_user, setup):
    rnd, _ = setup
    client = as_user(org.officer)
    for path in PAGES:
        resp = client.get(path.format(squad=org.squad_a.id, template=rnd.template_version.template_id, round=rnd.id))
        assert resp.status_code == 200, (path, resp.get_data(as_text=True)[:1000])
    member = as_user(org.a_member)
    for path in BUREAU_ONLY:
        assert member.get(path).status_code == 403, path
    assert member.get(f"/inspections/{rnd.id}").status_code == 404


def test_monthly_bulletin_has_the_inspection_section_on_the_page_and_in_the_workbook(db, org, as_user):
    finding = make_finding(db, org, date(2026, 11, 10))
    client = as_user(org.coordinator)
    html = client.get("/bulletins?month=2026-11").get_data(as_text=True)
    assert 'id="bulletin-inspections"' in html and org.squad_a.name in html
    book = openpyxl.load_workbook(io.BytesIO(client.get("/bulletins/2026-11.xlsx").data))
    assert book.sheetnames[-1] == "执法监督检查"
    rows = {r[0]: r for r in book["执法监督检查"].iter_rows(values_only=True) if r and r[0]}
    assert rows[org.squad_a.name][2] == 1 and rows[org.squad_a.name][3] == float(finding.deduction)
    assert rows[org.squad_b.name][2] == 0
    assert finding.round.number in rows
    october = openpyxl.load_workbook(io.BytesIO(client.get("/bulletins/2026-10.xlsx").data))["执法监督检查"]
    assert [r[2] for r in october.iter_rows(min_row=3, values_only=True) if r and r[0] == org.squad_a.name] == [0]


def test_squad_ledger_is_the_squads_own(db, org, as_user):
    inspector = org.a_member
    inspector.roles = [Role.SQUAD_MEMBER, Role.SQUAD_INSPECTOR]
    db.flush()
    client = as_user(inspector)
    assert client.get(f"/inspections/ledger?squad={org.squad_a.id}&period=2026-11").status_code == 200
    assert client.get(f"/inspections/ledger?squad={org.squad_b.id}&period=2026-11").status_code == 404
    assert client.get(f"/inspections/ledger?squad={org.squad_a.id}&period=2026-13").status_code == 400


def test_phone_layout_of_the_finding_page_has_the_viewport(db, org, as_user, setup):
    html = as_user(org.a_leader).get("/inspections/findings").get_data(as_text=True)
    assert 'name="viewport" content="width=device-width' in html and "table-responsive" in html


def test_login_password_fixture_unchanged():
    assert PASSWORD


def test_task_list_add_import_and_export(db, org, as_user, setup):
    from openpyxl import load_workbook

    from models.inspections import InspectionTask

    client = as_user(org.officer)
    template = setup[0].template_version.template
    bad = post_form(client, "/inspections/tasks?year=2026", "/inspections/tasks?year=2026", {
        "year": "2026", "area": "law", "content": "", "frequency": "monthly", "owner_section_id": org.legal.id,
        "template_id": template.id, "due_days": "10", "sample_size": "2"})
    assert bad.status_code == 400 and db.scalar(select(InspectionTask.id)) is None
    ok = post_form(client, "/inspections/tasks?year=2026", "/inspections/tasks?year=2026", {
        "year": "2026", "area": "law", "content": "每月案卷评查", "frequency": "monthly",
        "owner_section_id": org.legal.id, "template_id": template.id, "due_days": "10", "sample_size": "2"})
    assert ok.status_code == 302
    exported = client.get("/inspections/tasks/2026.xlsx").data
    sheet = load_workbook(io.BytesIO(exported)).active
    assert sheet.cell(2, 3).value == "每月案卷评查"
    again = post_form(client, "/inspections/tasks?year=2027", "/inspections/tasks?year=2027",
                      {"file": (io.BytesIO(exported), "清单.xlsx")}, content_type="multipart/form-data")
    assert again.status_code == 302, again.get_data(as_text=True)[:1500]
    assert db.scalar(select(InspectionTask.content).where(InspectionTask.year == 2027)) == "每月案卷评查"
    grid = client.get("/inspections/tasks?year=2026").get_data(as_text=True)
    assert grid.count('data-period="2026-') == 12


def test_template_edit_makes_a_new_version(db, org, as_user, setup):
    rnd, _ = setup
    template = rnd.template_version.template
    client = as_user(org.officer)
    page = f"/inspections/templates/{template.id}"
    bad = post_form(client, page, page, {"items": "只有描述", "note": ""})
    assert bad.status_code == 400 and "6 栏" in bad.get_data(as_text=True)
    ok = post_form(client, page, page, {"items": "文书规范 | 扣分 | 10 | 2 | 10 | 文书不规范", "note": "简化"})
    assert ok.status_code == 302
    db.expire_all()
    assert template.current_version == 2 and rnd.template_version.version == 1


def test_register_import_through_the_page(db, org, as_user):
    from openpyxl import Workbook

    from workflows.inspections import register as reg

    book = Workbook()
    book.active.append(list(reg.COLUMNS))
    book.active.append(["C001", org.squad_a.name, "张三", "违法搭建", "否", "2026-10-08", "5000", "已结案"])
    book.active.append(["C002", "无此中队", "张三", "违法搭建", "否", "2026-10-08", "5000", "已结案"])
    out = io.BytesIO()
    book.save(out)
    client = as_user(org.officer)
    first = post_form(client, "/inspections/register", "/inspections/register",
                      {"file": (io.BytesIO(out.getvalue()), "导出.xlsx")}, content_type="multipart/form-data")
    html = first.get_data(as_text=True)
    assert first.status_code == 200 and "第3行" in html and "新增 1 件" in html
    second = post_form(client, "/inspections/register", "/inspections/register",
                       {"file": (io.BytesIO(out.getvalue()), "导出.xlsx")}, content_type="multipart/form-data")
    assert second.status_code == 400 and "不能重复导入" in second.get_data(as_text=True)


def test_a_logged_in_guest_is_cut_off_when_the_account_expires(db, org, client, setup):
    rnd, _ = setup
    invited = review.invite_guest(db, actor=org.officer, now=NOW, rnd=rnd, name="赵律师", organisation="legal_adviser")
    assert _login_guest(client, invited.user.username, invited.password).status_code == 302
    assert client.get(f"/inspections/{rnd.id}").status_code == 200
    invited.user.expires_at = NOW  # the round's period has ended (moved date, not the clock)
    db.flush()
    assert client.get(f"/inspections/{rnd.id}").status_code == 302, "the next request is anonymous: to the login"
    assert _login_guest(client, invited.user.username, invited.password).status_code == 200  # refused


def test_figures_chart_tables_carry_the_counts_of_confirmed_findings(db, org, as_user):
    make_finding(db, org, date(2026, 11, 10), category="程序违法")
    dismissed = make_finding(db, org, date(2026, 11, 12), category="证据不足")
    dismissed.status = "dismissed"
    db.flush()
    html = as_user(org.officer).get("/inspections/figures?year=2026").get_data(as_text=True)
    assert "echarts.min.js" in html and "dashboard.js" in html and 'data-chart="per-squad"' in html
    row = re.search(rf'<tr data-squad="{org.squad_a.name}">(.*?)</tr>', html, re.S).group(1)
    values = re.findall(r'data-value="(\d+)"', row)
    assert len(values) == 12 and values[10] == "1" and sum(map(int, values)) == 1, "November: one, dismissed left out"
    chart = re.search(r'id="per-category-chart"(.*?)</table>', html, re.S).group(1)
    assert re.findall(r"data-category>([^<]+)<", chart) == ["程序违法"]
    assert re.findall(r'data-value="(\d+)"', chart) == ["1"]
