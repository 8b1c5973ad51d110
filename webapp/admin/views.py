"""系统管理: the working calendar (official / provisional / overridden years, overrides, year complete),
clock rules per kind and step, and scheduler incidents."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required
from sqlalchemy import select

from models.calendar import CalendarOverride, CalendarYear
from models.deadlines import ClockRule
from models.items import FAMILY_INSTRUCTED, KIND_SHORT_LABELS
from models.org import Role
from webapp.admin.forms import OverrideForm, RuleForm
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
from workflows.deadlines.rules import default_steps, load_book, save_rule
from workflows.errors import InvalidInput, NotFound, PermissionDenied

bp = Blueprint("admin", __name__, url_prefix="/admin")
YEAR_LABELS = {OFFICIAL: "官方（国务院已公布）", OVERRIDDEN: "已录入（管理员确认完整）",
               "provisional": "暂定（按周末规则）"}
STEP_LABELS = {"": "整件办理期限", "assign": "交办", "accept": "签收", "joint_study": "专案研究",
               "investigate": "调查取证", "draft_reply": "拟复", "review": "审核", "leader_signoff": "局领导审批",
               "send_reply": "回复", "follow_up": "跟踪回访", "rectify": "整改"}


@bp.before_request
@login_required
def _only_admins():
    if not actor().has(Role.SYSTEM_ADMIN):
        raise PermissionDenied("只有系统管理员可以访问系统管理")


def _now() -> datetime:
    return datetime.now(UTC)


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


def _rule_form(formdata=None) -> RuleForm:
    form = RuleForm(formdata=formdata)
    form.kind.choices = [(0, "全部种类")] + [(int(k), v) for k, v in KIND_SHORT_LABELS.items()]
    form.step.choices = [(s, STEP_LABELS.get(s, s)) for s in ["", *default_steps(FAMILY_INSTRUCTED)]]
    return form


def _rules_page(form: RuleForm, status: int = 200):
    db = session()
    book = load_book(db, FAMILY_INSTRUCTED)
    rows = list(db.scalars(select(ClockRule).where(ClockRule.family == FAMILY_INSTRUCTED)
                           .order_by(ClockRule.kind, ClockRule.step)))
    effective = [(label, book.item(k)) for k, label in KIND_SHORT_LABELS.items()]
    steps = [(STEP_LABELS.get(s, s), book.step(4, s)) for s in default_steps(FAMILY_INSTRUCTED)]
    return render_template("admin/rules.html", form=form, rows=rows, effective=effective, steps=steps,
                           kinds=KIND_SHORT_LABELS, step_labels=STEP_LABELS), status


@bp.route("/clock-rules", methods=["GET", "POST"])
def rules():
    form = _rule_form(request.form if request.method == "POST" else None)
    if request.method == "POST" and form.validate_on_submit():
        db, now = session(), _now()
        values = {name: getattr(form, name).data for name in
                  ("unit", "amount", "same_day", "yellow_pct", "red_workdays", "escalate_workdays", "pause_on_suspend")}
        try:
            row = save_rule(db, actor_id=actor().id, now=now, family=FAMILY_INSTRUCTED, kind=form.kind.data,
                            step=form.step.data or "", values=values)
        except InvalidInput as exc:
            db.rollback()
            getattr(form, exc.field or "amount").errors.append(exc.message)
            return _rules_page(form, 400)
        audit.record(db, actor=actor(), now=now, family="clock_rule", subject_id=row.id, action="clock_rule",
                     summary=f"设置时限规则（种类 {row.kind}，环节 {row.step or '整件'}）", details=values)
        db.commit()
        flash("时限规则已保存（对新开始的事项和环节生效）", "success")
        return redirect(url_for("admin.rules"))
    return _rules_page(form, 400 if form.errors else 200)


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
