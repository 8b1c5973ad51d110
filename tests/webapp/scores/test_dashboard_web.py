"""领导驾驶舱: every number of every chart equals the count of the list behind it (the ranking: the sum of its
lines' points); each chart has its data table, export and drill-down links; leaders and sections only."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal
from io import BytesIO
from urllib.parse import unquote

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from models.scores import ScoreEntry
from tests.factories import finish, make_finding, make_item, open_work
from tests.workflows.scoring.test_ledger import NOW, build_october
from workflows.scoring import dashboard, ledger


@pytest.fixture
def figures(db, org):
    build_october(db, org)
    item = make_item(db, org)  # an open step (ages) and an open subject (levels)
    finish(db, actor=org.coordinator, now=NOW, item=item, task_uuid=open_work(db, item)[0].task_uuid,
           values={"lead_squad_id": org.squad_a.id})
    make_finding(db, org, date(2026, 10, 9))  # the findings chart has a bar (its link carries the year once)
    ledger.rebuild(db, now=NOW)
    db.flush()
    return org


def test_every_number_of_every_chart_equals_its_lists_count(db, figures):
    now = datetime.now(UTC)
    charts = dashboard.all_charts(db, year=2026, month="2026-10", now=now)
    assert [c.name for c in charts] == list(dashboard.CHARTS)
    checked = 0
    for chart in charts:
        for _, cells in chart.series:
            for cell in cells:
                assert dashboard.drill_count(db, chart.name, cell.drill, now=now, year=2026) == cell.count, \
                    (chart.name, cell.drill)
                checked += cell.count > 0
    assert checked >= 8
    by_name = {c.name: c for c in charts}
    october_b = by_name["on_time"].series[1][1][9]  # squad B, October: 2 of 2 closed on time
    assert (october_b.value, october_b.extra, october_b.count) == (100.0, "2/2", 2)
    ranking = by_name["ranking"].series[0][1]
    for cell in ranking:
        points = sum(e.squad_points for e in db.scalars(select(ScoreEntry).where(
            *dashboard._entry_filter(int(cell.drill["squad_id"]), "2026-10"))))
        assert Decimal(str(cell.value)) == points


def test_on_time_rate_drill_down_splits_into_on_time_and_late(db, figures):
    org = figures
    args = {"squad_id": str(org.squad_a.id), "month": "2026-10"}
    now = datetime.now(UTC)
    total = dashboard.drill_count(db, "on_time", args, now=now, year=2026)
    on_time = dashboard.drill_count(db, "on_time", {**args, "on_time": "1"}, now=now, year=2026)
    late = dashboard.drill_count(db, "on_time", {**args, "on_time": "0"}, now=now, year=2026)
    assert (total, on_time, late) == (1, 0, 1)


def test_the_page_shows_each_chart_with_its_table_and_its_lists_match(as_user, figures):
    org = figures
    client = as_user(org.leader)
    html = client.get("/scores/dashboard?year=2026&month=2026-10").get_data(as_text=True)
    assert html.count('class="chart-box"') == 6 and 'echarts.min.js' in html and "<script>" not in html
    assert 'style="' not in html.split("<main", 1)[1]
    cells = re.findall(r'data-count="(\d+)" data-href="([^"]+)"', html)
    assert len(cells) > 20
    opened = 0
    for count, href in cells:
        if count == "0" and opened > 12:
            continue
        page = client.get(unquote(href).replace("&amp;", "&"))
        assert page.status_code == 200, href
        assert int(re.search(r'id="drill-count">(\d+)<', page.get_data(as_text=True)).group(1)) == int(count), href
        opened += 1
    book = load_workbook(BytesIO(client.get("/scores/dashboard/levels.xlsx?year=2026").data))
    assert book.active["A1"].value == dashboard.CHARTS["levels"]
    assert client.get("/vendor/echarts/echarts.min.js").status_code == 200


@pytest.mark.parametrize("who, status", [("leader", 200), ("coordinator", 200), ("officer", 200), ("a_leader", 404),
                                         ("a_member", 404), ("admin", 403)])
def test_who_enters_the_dashboard(as_user, figures, who, status):
    # the system administrator is kept out of business pages altogether (三员分立): 403 before any scope
    assert as_user(getattr(figures, who)).get("/scores/dashboard").status_code == status


def test_bad_drill_filters_are_400_not_500(as_user, figures):
    client = as_user(figures.leader)
    for path in ("/scores/dashboard/list/on_time?squad_id=x&month=2026-10", "/scores/dashboard/list/levels?family=x",
                 "/scores/dashboard/list/ages?family=instructed_item&age=9", "/scores/dashboard/list/ranking?month=1"):
        assert client.get(path).status_code == 400, path
    assert client.get("/scores/dashboard/list/nothing").status_code == 404
