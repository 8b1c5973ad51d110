"""系统管理: the working calendar (official / provisional / overridden years, overrides, year complete) and
scheduler incidents; the clock rules are in `rules`."""

from __future__ import annotations

from datetime import datetime

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import select

from models.calendar import CalendarOverride, CalendarYear
from webapp.admin.common import _now, bp
from webapp.admin.forms import OverrideForm
from webapp.db import session
from webapp.extensions import actor
from workflows import audit, scheduler
from workflows.calendar import (
    LOCAL_TZ,
    OFFICIAL,
    OVERRIDDEN,
    PACKAGE_FIRST_YEAR,
    load_calendar,
    mark_year_complete,
    remove_override,
    set_override,
)
from workflows.deadlines.recompute import recompute_provisional
from workflows.errors import NotFound

YEAR_LABELS = {OFFICIAL: "官方（国务院已公布）", OVERRIDDEN: "已录入（管理员确认完整）",
               "provisional": "暂定（按周末规则）"}


def _calendar_page(year: int, form: OverrideForm | None = None, status: int = 200):
    db = session()
    cal = load_calendar(db)
    this_year = _now().astimezone(LOCAL_TZ).year
    years = [(y, cal.year_status(y)) for y in range(max(PACKAGE_FIRST_YEAR, this_year - 3), this_year + 3)]
    overrides = list(db.scalars(select(CalendarOverride).where(CalendarOverride.day.between(
        datetime(year, 1, 1).date(), datetime(year, 12, 31).date())).order_by(CalendarOverride.day)))
    record = db.get(CalendarYear, year)
    return render_template("admin/calendar.html", years=years, year=year, status=cal.year_status(year),
                           overrides=overrides, form=form or OverrideForm(), record=record,
                           labels=YEAR_LABELS), status


def _year_arg() -> int:
    year = request.args.get("year", type=int) or _now().astimezone(LOCAL_TZ).year
    if not 1900 < year < 2200:
        raise NotFound("年份不正确")
    return year


@bp.route("/calendar")
def calendar():
    return _calendar_page(_year_arg())


def _after_calendar_change(db, now: datetime, year: int, action: str, summary: str, details: dict) -> int:
    audit.record(db, actor=actor(), now=now, family="calendar", subject_id=year, action=action, summary=summary,
                 details=details)
    return recompute_provisional(db, now)


@bp.route("/calendar/override", methods=["POST"])
def add_override():
    form = OverrideForm()
    if not form.validate_on_submit():
        return _calendar_page(_year_arg(), form, 400)
    db, now, day = session(), _now(), form.day.data
    workday = form.is_workday.data == "1"
    set_override(db, day=day, is_workday=workday, note=form.note.data or "", actor_id=actor().id, now=now)
    n = _after_calendar_change(db, now, day.year, "calendar_override",
                               f"设置 {day.isoformat()} 为{'工作日' if workday else '休息日'}",
                               {"day": day.isoformat(), "is_workday": workday})
    db.commit()
    flash(f"已保存 {day.isoformat()}；重新计算了 {n} 件事项的期限", "success")
    return redirect(url_for("admin.calendar", year=day.year))


@bp.route("/calendar/override/<day>/delete", methods=["POST"])
def delete_override(day: str):
    try:
        when = datetime.strptime(day, "%Y-%m-%d").date()
    except ValueError:
        raise NotFound("日期不正确") from None
    db, now = session(), _now()
    if not remove_override(db, day=when):
        raise NotFound("该日期没有设置")
    _after_calendar_change(db, now, when.year, "calendar_override_removed", f"删除 {day} 的设置", {"day": day})
    db.commit()
    flash(f"已删除 {day} 的设置", "success")
    return redirect(url_for("admin.calendar", year=when.year))


@bp.route("/calendar/year/<int:year>", methods=["POST"])
def mark_year(year: int):
    if not 1900 < year < 2200:
        raise NotFound("年份不正确")
    complete = request.form.get("complete") == "1"
    db, now = session(), _now()
    mark_year_complete(db, year=year, complete=complete, actor_id=actor().id, now=now)
    summary = f"{year} 年日历{'已录入完整' if complete else '改为暂定'}"
    n = _after_calendar_change(db, now, year, "calendar_year", summary, {"complete": complete})
    db.commit()
    flash(f"{year} 年已{'确认完整' if complete else '改为暂定'}；重新计算了 {n} 件事项的期限", "success")
    return redirect(url_for("admin.calendar", year=year))


@bp.route("/incidents")
def incidents():
    return render_template("admin/incidents.html", rows=scheduler.incidents(session()))


@bp.route("/incidents/<int:failure_id>/retry", methods=["POST"])
def retry(failure_id: int):
    db = session()
    if not scheduler.retry_incident(db, failure_id):
        raise NotFound("该故障记录不存在")
    audit.record(db, actor=actor(), now=_now(), family="scheduler", subject_id=failure_id, action="incident_retry",
                 summary="重试定时任务故障")
    db.commit()
    flash("已清除故障记录，下一次定时扫描会重试", "success")
    return redirect(url_for("admin.incidents"))
