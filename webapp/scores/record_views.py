"""个人执法档案 and the 考核细则 page (read by everyone who sees scores, edited by the system administrator)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from models.org import Role
from webapp.db import session
from webapp.extensions import actor
from webapp.scores.common import bp, now
from webapp.scores.forms import RuleForm
from workflows.calendar import LOCAL_TZ
from workflows.errors import InvalidInput, NotFound
from workflows.scoring import record, rules


def _year() -> int:
    value = request.args.get("year", "")
    year = int(value) if value.isascii() and value.isdigit() and len(value) == 4 else now().astimezone(LOCAL_TZ).year
    return min(max(year, 2000), 2099)


@bp.route("/people/<int:person_id>")
def person(person_id: int):
    year = _year()
    found = record.person_record(session(), viewer=actor(), person_id=person_id, year=year)
    return render_template("scores/person.html", record=found, year=year)


def _rules_page(year: int, forms: dict, status: int = 200):
    current = rules.current(session(), year)
    return render_template("scores/rules.html", year=year, rules=current, years=rules.years(session()) or [year],
                           forms=forms, kinds=rules.KINDS, cap_periods=rules.CAP_PERIODS,
                           editable=actor().has(Role.SYSTEM_ADMIN)), status


def _form_for(rule, formdata=None) -> RuleForm:
    form = RuleForm(formdata=formdata, prefix=f"r{rule.id}")
    if formdata is None:
        form.squad_points.data, form.person_points.data = str(rule.squad_points), str(rule.person_points)
        form.cap.data = str(rule.cap) if rule.cap is not None else ""
        form.cap_period.data, form.active.data = rule.cap_period, rule.active
        form.threshold.data = str(rule.threshold) if rule.threshold is not None else ""
    return form


@bp.route("/rules")
def rules_page():
    me = actor()
    if not me.has(Role.SYSTEM_ADMIN, Role.LEADER, Role.COORDINATOR, Role.SECTION_OFFICER, Role.SQUAD_LEADER,
                  Role.SQUAD_MEMBER):
        raise NotFound("页面不存在")
    year = _year()
    return _rules_page(year, {r.id: _form_for(r) for r in rules.current(session(), year)})


@bp.route("/rules/<int:rule_id>", methods=["POST"])
def edit_rule(rule_id: int):
    db, me = session(), actor()
    if not me.has(Role.SYSTEM_ADMIN):
        raise NotFound("页面不存在")
    rule = next((r for r in rules.current(db) if r.id == rule_id), None)
    if rule is None:
        raise NotFound("考核细则不存在或已有新版本")
    form = _form_for(rule, request.form)
    forms = {r.id: _form_for(r) for r in rules.current(db, rule.year)}
    forms[rule.id] = form
    if not form.validate_on_submit():
        return _rules_page(rule.year, forms, 400)
    data = rules.RuleInput(form.squad_points.data, form.person_points.data, form.cap.data or "", form.cap_period.data,
                           form.threshold.data or "", bool(form.active.data))
    try:
        new = rules.edit(db, actor=me, now=now(), rule_id=rule.id, data=data)
    except InvalidInput as exc:
        db.rollback()
        getattr(form, exc.field, form.squad_points).errors.append(exc.message)
        return _rules_page(rule.year, forms, 400)
    db.commit()
    flash(f"已保存“{new.label}”第 {new.version} 版：重新计算台账后对未锁定的考核期生效", "success")
    return redirect(url_for("scores.rules_page", year=new.year))
