"""月度通报 pages: who may see them, the squad's numbers on the page, the .xlsx, a bad month."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from io import BytesIO

import pytest
from flask import render_template_string
from openpyxl import load_workbook

from models.deadlines import OverdueRecord
from tests.workflows.test_bulletins import at, item
from workflows.petitions import months

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TITLE = "长宁区城管执法局 督办工作月度通报（2026年10月）"


@pytest.fixture
def data(db, org):
    item(db, org, at(5), date(2026, 10, 10))  # open past its deadline at the month's end
    item(db, org, at(6), date(2026, 11, 30))
    for n in range(3):
        db.add(OverdueRecord(key=f"web-{n}", family="instructed_item", subject_id=0, step="investigate",
                             step_name="调查取证", squad_id=org.squad_a.id, due_at=at(10), detected_at=at(11 + n)))
    db.flush()


def cell(html: str, squad: str, column: str) -> str:
    row = re.search(rf'<tr data-squad="{squad}".*?</tr>', html, re.S)
    assert row, f"no row for {squad}"
    found = re.search(rf'<td data-col="{column}">([^<]*)</td>', row.group(0))
    return found.group(1).strip()


@pytest.mark.parametrize("who, status", [("coordinator", 200), ("leader", 200), ("a_leader", 403),
                                         ("a_member", 403), ("officer", 403), ("admin", 403)])
def test_only_coordinators_and_leaders(as_user, org, who, status):
    client = as_user(getattr(org, who))
    assert client.get("/bulletins?month=2026-10").status_code == status
    assert client.get("/bulletins/2026-10.xlsx").status_code == status


def test_anonymous_is_sent_to_login(client):
    assert client.get("/bulletins").status_code == 302


def test_page_shows_the_squads_numbers(as_user, org, data):
    resp = as_user(org.coordinator).get("/bulletins?month=2026-10")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and TITLE in html
    assert cell(html, "华阳路中队", "received") == "2"
    assert cell(html, "华阳路中队", "overdue") == "1"
    assert cell(html, "华阳路中队", "overdue_steps") == "3"
    assert cell(html, "江苏路中队", "received") == "0"
    assert cell(html, "合计", "received") == "2"
    assert cell(html, "华阳路中队", "petition_satisfaction_rate") == "—"
    assert "超期环节最多：华阳路中队（3 条）。" in html
    assert "bulletin.css" in html and 'href="/bulletins/2026-10.xlsx"' in html  # print CSS is a static file (CSP)
    assert "@page { size: A4 landscape;" in as_user(org.coordinator).get("/static/bulletin.css").get_data(as_text=True)


def test_default_is_the_previous_month(as_user, org):
    resp = as_user(org.leader).get("/bulletins")
    expected = months.previous(months.of(datetime.now(UTC)))  # the month before today's month in Shanghai
    year, mon = months.parse(expected)
    assert resp.status_code == 200
    assert f'name="month" value="{expected}"' in resp.get_data(as_text=True)
    assert f"督办工作月度通报（{year}年{mon}月）" in resp.get_data(as_text=True)
    assert "本月尚未结束" not in resp.get_data(as_text=True), "the previous month is complete"
    current = months.of(datetime.now(UTC))
    assert "本月尚未结束，数据截至" in as_user(org.leader).get(f"/bulletins?month={current}").get_data(as_text=True)


def test_xlsx_download(as_user, org, data):
    resp = as_user(org.leader).get("/bulletins/2026-10.xlsx")
    assert resp.status_code == 200 and resp.mimetype == XLSX
    assert "attachment" in resp.headers["Content-Disposition"]
    ws = load_workbook(BytesIO(resp.data)).active
    assert ws.title == "2026年10月通报"
    assert ws["A1"].value == TITLE
    assert (ws["A3"].value, ws["B3"].value, ws["B4"].value) == ("中队", "批示件", "收件")
    rows = {r[0]: r for r in ws.iter_rows(min_row=5, values_only=True) if r[0]}
    assert rows["华阳路中队"][1] == 2 and isinstance(rows["华阳路中队"][1], int)
    assert rows["合计"][1] == 2 and rows["江苏路中队"][1] == 0
    assert rows["华阳路中队"][-1] == 3, "overdue steps in the last column"
    assert ws.freeze_panes == "B5"


@pytest.mark.parametrize("path", ["/bulletins?month=2026-13", "/bulletins?month=oct", "/bulletins/2026-1.xlsx",
                                  "/bulletins/abcd-ef.xlsx"])
def test_bad_month_is_a_chinese_400(as_user, org, path):
    resp = as_user(org.coordinator).get(path)
    assert resp.status_code == 400
    assert "月份格式有误，应为 YYYY-MM" in resp.get_data(as_text=True)


def test_nav_entry_for_readers_only(app, org):
    template = ("{% macro menu(title, active) %}<li>{{ title }}<ul>{{ caller() }}</ul></li>{% endmacro %}"
                "{% include 'bulletins/_nav.html' %}")
    with app.test_request_context("/bulletins"):
        assert "月度通报" in render_template_string(template, me=org.coordinator)
        assert "月度通报" in render_template_string(template, me=org.leader)
        assert "月度通报" not in render_template_string(template, me=org.a_leader)
