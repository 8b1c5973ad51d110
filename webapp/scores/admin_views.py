"""考核细则 editing by the system administrator, under /admin (三员分立: the administrator's pages live there)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from flask_login import login_required

from models.org import Role
from webapp.db import session
from webapp.extensions import actor
from webapp.scores.common import now
from webapp.scores.record_views import _form_for, _rules_page, _year
from workflows.errors import InvalidInput, NotFound
from workflows.scoring import rules

bp = Blueprint("score_admin", __name__, url_prefix="/admin/score-rules")


@bp.before_request
@login_required
def _signed_in():
    return None


@bp.route("")
def rules_page():
    if not actor().has(Role.SYSTEM_ADMIN):
        raise NotFound("页面不存在")
    year = _year()
    return _rules_page(year, {r.id: _form_for(r) for r in rules.current(session(), year)})


@bp.route("/<int:rule_id>", methods=["POST"])
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
    return redirect(url_for("score_admin.rules_page", year=new.year))
