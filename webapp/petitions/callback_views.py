"""回访计划 (monthly callback plans per squad with progress), recording calls, 抽查 samples, monthly figures."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import login_required
from sqlalchemy import func, select

from models.org import Role, Squad
from models.petitions import SATISFACTION, Callback, CallbackPlan
from webapp.db import session
from webapp.extensions import actor
from webapp.petitions import forms
from webapp.petitions.common import bp, limits
from workflows.errors import InvalidInput
from workflows.petitions import access, callbacks, checks, figures, months

VIEWERS = {Role.COORDINATOR, Role.LEADER, Role.SQUAD_LEADER, Role.SQUAD_MEMBER}


def _month() -> str:
    month = request.args.get("month") or months.of(datetime.now(UTC))
    months.parse(month)
    return month


def _squads(db) -> list[Squad]:
    me = actor()
    if not me.has(*VIEWERS):
        abort(403)
    query = select(Squad).order_by(Squad.id)
    if me.has(*access.SQUAD_ROLES):
        query = query.where(Squad.id == me.squad_id)
    return list(db.scalars(query))


@bp.route("/callbacks")
@login_required
def plans():
    db = session()
    month, squads = _month(), _squads(db)
    rows = db.execute(select(CallbackPlan, func.count(Callback.id), func.count(Callback.called_at))
                      .outerjoin(Callback, Callback.plan_id == CallbackPlan.id)
                      .where(CallbackPlan.month == month, CallbackPlan.squad_id.in_([s.id for s in squads]))
                      .group_by(CallbackPlan.id)).all()
    done = dict(db.execute(select(Callback.plan_id, func.count()).join(CallbackPlan)
                           .where(CallbackPlan.month == month, Callback.status == "done")
                           .group_by(Callback.plan_id)).all())
    by_squad = {plan.squad_id: (plan, total, done.get(plan.id, 0)) for plan, total, _called in rows}
    form = forms.PlanForm(month=month, sample_percent=limits().sample_percent)
    return render_template("petitions/plans.html", month=month, squads=squads, by_squad=by_squad, form=form,
                           previous=months.previous(month), following=months.following(month))


@bp.route("/callbacks/generate", methods=["POST"])
@login_required
def generate_plans():
    if not actor().has(Role.COORDINATOR):
        abort(403, "只有协调科可以生成回访计划")
    db = session()
    form = forms.PlanForm()
    if not form.validate():
        flash("；".join(e for errs in form.errors.values() for e in errs), "danger")
        return redirect(url_for("petitions.plans"))
    try:
        made = callbacks.propose_month(db, actor=actor(), now=datetime.now(UTC), month=form.month.data.strip(),
                                       sample_percent=form.sample_percent.data)
    except InvalidInput as exc:
        db.rollback()
        flash(exc.message, "danger")
        return redirect(url_for("petitions.plans"))
    db.commit()
    flash(f"已生成 {len(made)} 个中队的 {form.month.data} 回访计划", "success")
    return redirect(url_for("petitions.plans", month=form.month.data.strip()))


def _plan(db, plan_id: int) -> CallbackPlan:
    plan = db.get(CallbackPlan, plan_id)
    if plan is None:
        abort(404)
    if plan.squad_id not in {s.id for s in _squads(db)}:
        abort(403, "无权查看其他中队的回访计划")
    return plan


@bp.route("/callbacks/plans/<int:plan_id>")
@login_required
def plan(plan_id: int, failed: Callback | None = None, failed_form=None, status: int = 200):
    db = session()
    plan = _plan(db, plan_id)
    calls = list(db.scalars(select(Callback).where(Callback.plan_id == plan.id).order_by(Callback.id)))
    me = actor()
    call_forms = {c.id: (failed_form if failed is c else forms.CallbackForm(prefix=f"c{c.id}"))
                  for c in calls if c.status != "done" and me.has(Role.COORDINATOR)}
    return render_template("petitions/plan.html", plan=plan, calls=calls, call_forms=call_forms,
                           satisfaction=SATISFACTION, verified=callbacks.verify_plan(db, plan),
                           person=lambda p: access.petitioner(p, access.can_see_petitioner(me, p))), status


@bp.route("/callbacks/<int:callback_id>", methods=["POST"])
@login_required
def record_call(callback_id: int):
    db = session()
    call = db.get(Callback, callback_id)
    if call is None:
        abort(404)
    _plan(db, call.plan_id)
    form = forms.CallbackForm(prefix=f"c{call.id}")
    if not form.validate():
        return plan(call.plan_id, call, form, 400)
    solved = {"yes": True, "no": False}.get(form.solved.data)
    try:
        callbacks.record_callback(db, actor=actor(), now=datetime.now(UTC), callback_id=call.id,
                                  reached=form.reached.data == "yes", satisfaction=form.satisfaction.data or None,
                                  solved=solved, notes=form.notes.data or "")
    except InvalidInput as exc:
        db.rollback()
        call = db.get(Callback, callback_id)
        getattr(form, exc.field or "notes").errors.append(exc.message)
        return plan(call.plan_id, call, form, 400)
    db.commit()
    petition = call.petition
    reopened = petition.status == "open"
    flash(f"已记录 {petition.number} 的回访" + ("，已重新交办整改" if reopened else ""), "success")
    return redirect(url_for("petitions.plan", plan_id=call.plan_id) + f"#call-{call.id}")


@bp.route("/spot-checks")
@login_required
def spot_checks():
    db = session()
    month, squads = _month(), _squads(db)
    percent = min(max(request.args.get("percent", 10, type=int) or 10, 1), 100)
    samples = {s.id: checks.spot_check_sample(db, s, month, percent) for s in squads}
    return render_template("petitions/spot_checks.html", month=month, squads=squads, samples=samples,
                           percent=percent)


@bp.route("/figures")
@login_required
def month_figures():
    db = session()
    month, squads = _month(), _squads(db)
    rows = figures.month_figures(db, month, squads)
    return render_template("petitions/figures.html", month=month, rows=rows, previous=months.previous(month),
                           following=months.following(month))
