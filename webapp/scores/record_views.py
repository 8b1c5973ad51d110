"""个人执法档案 and the 考核细则 page (read by everyone who sees scores, edited by the system administrator)."""

from __future__ import annotations

from flask import render_template, request

from models.org import Role
from webapp.db import session
from webapp.extensions import actor
from webapp.scores.common import bp, now
from webapp.scores.forms import RuleForm
from workflows.calendar import LOCAL_TZ
from workflows.errors import NotFound
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
