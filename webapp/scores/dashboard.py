"""领导驾驶舱: six charts (ECharts, drawn by static/dashboard.js from the data table beside each), each exported
as .xlsx, printable, and drilled down into the list of rows behind every number."""

from __future__ import annotations

from io import BytesIO
from urllib.parse import quote

from flask import Response, abort, render_template, request
from openpyxl import Workbook
from sqlalchemy import and_, func, select

from models.engine import WorkItem
from models.org import Squad, User
from models.scores import ScoreEntry
from models.subjects import LEVEL_LABELS, Subject
from webapp import subjects
from webapp.db import session
from webapp.extensions import actor
from webapp.paging import PAGE_SIZE, page_number
from webapp.scores.common import bp, now
from workflows.calendar import LOCAL_TZ
from workflows.errors import InvalidInput
from workflows.petitions import months
from workflows.scoring import access, dashboard, findings, rules

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _reader() -> None:
    if not access.sees_all(actor()):
        abort(404)


def _year() -> int:
    value = request.args.get("year", "")
    if value.isascii() and value.isdigit() and len(value) == 4 and 2000 <= int(value) <= 2099:
        return int(value)
    return now().astimezone(LOCAL_TZ).year


def _month() -> str:
    value = request.args.get("month", "")
    return value if months.MONTH.match(value) else months.previous(months.of(now()))


def _charts() -> list[dashboard.Chart]:
    return dashboard.all_charts(session(), year=_year(), month=_month(), now=now())


@bp.route("/dashboard", endpoint="dashboard")
def dashboard_page():
    _reader()
    return render_template("scores/dashboard.html", charts=_charts(), year=_year(), month=_month())



@bp.route("/dashboard/<chart>.xlsx")
def dashboard_export(chart: str):
    _reader()
    found = next((c for c in _charts() if c.name == chart), None) or abort(404)
    wb = Workbook()
    ws = wb.active
    ws.title = chart
    ws.append([found.title])
    ws.append(["", *found.categories])
    for name, cells in found.series:
        ws.append([name, *[c.value for c in cells]])
    ws.append([found.note])
    out = BytesIO()
    wb.save(out)
    name = quote(f"{found.title}.xlsx")
    disposition = f"attachment; filename*=UTF-8''{name}"
    return Response(out.getvalue(), mimetype=XLSX, headers={"Content-Disposition": disposition})


def _rows(table, where) -> tuple[int, list]:
    db = session()
    total = db.scalar(select(func.count()).select_from(table).where(and_(*where))) or 0
    key = table.c.id if hasattr(table, "c") else table.id
    query = select(table).where(and_(*where)).order_by(key.desc()).offset((page_number() - 1) * PAGE_SIZE)
    query = query.limit(PAGE_SIZE)
    rows = list(db.execute(query)) if hasattr(table, "c") else list(db.scalars(query))
    return total, rows


@bp.route("/dashboard/list/<chart>")
def dashboard_list(chart: str):
    _reader()
    if chart not in dashboard.CHARTS:
        abort(404)
    args = {k: v for k, v in request.args.items()}
    try:
        table, where = dashboard.drill(session(), chart, args, now=now(), year=_year())
    except InvalidInput as exc:
        abort(400, exc.message)
    total, rows = _rows(table, where)
    kind = "subject" if table is Subject else ("work" if table is WorkItem else
                                               ("entry" if table is ScoreEntry else "finding"))
    db = session()
    return render_template("scores/dashboard_list.html", chart=chart, title=dashboard.CHARTS[chart], total=total,
                           rows=rows, kind=kind, pages=max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1),
                           page=page_number(), link=subjects.url_for_subject, families=dashboard.family_labels(),
                           levels=LEVEL_LABELS, squads=dict(db.execute(select(Squad.id, Squad.name)).all()),
                           people=dict(db.execute(select(User.id, User.name)).all()) if kind == "entry" else {},
                           labels={c: rules.label_of(c) for c in rules.KINDS}, findings_present=findings.present(db))
