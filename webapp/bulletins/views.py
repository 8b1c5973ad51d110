"""月度通报: the month's page (prints on A4 landscape) and its .xlsx; coordinators and bureau leaders only."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import quote

from flask import Blueprint, Response, abort, render_template, request
from flask_login import login_required

from models.org import Role
from webapp.bulletins import sheet
from webapp.db import report_session
from webapp.extensions import actor
from workflows import bulletins
from workflows.petitions import months

bp = Blueprint("bulletins", __name__, url_prefix="/bulletins")
READERS = (Role.COORDINATOR, Role.LEADER)
BAD_MONTH = "月份格式有误，应为 YYYY-MM（例如 2026-10）"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require_reader() -> None:
    if not actor().has(*READERS):
        abort(403, "只有协调科和局领导可以查看月度通报")


def _month(value: str | None) -> str:
    """The asked month, or the previous month in Shanghai time; a malformed month is a 400 in Chinese."""
    if not value:
        return months.previous(months.of(datetime.now(UTC)))
    if not months.MONTH.match(value):
        abort(400, BAD_MONTH)
    return value


@bp.route("")
@login_required
def month():
    _require_reader()
    chosen = _month(request.args.get("month"))
    data = bulletins.month_bulletin(report_session(), chosen, as_of=datetime.now(UTC))
    return render_template("bulletins/month.html", bulletin=data, title=sheet.title(data), groups=sheet.GROUPS,
                           keys=sheet.KEYS, rates=sheet.RATES, value=sheet.value,
                           previous=months.previous(chosen), following=months.following(chosen))


@bp.route("/<string:month_value>.xlsx")
@login_required
def xlsx(month_value: str):
    _require_reader()
    data = bulletins.month_bulletin(report_session(), _month(month_value), as_of=datetime.now(UTC))
    name = quote(f"督办工作月度通报-{data.month}.xlsx")
    return Response(sheet.build_xlsx(data), mimetype=XLSX,
                    headers={"Content-Disposition": f"attachment; filename=bulletin-{data.month}.xlsx; "
                                                    f"filename*=UTF-8''{name}"})
