"""时限规则 for every family (the rule book: per kind and step, with each family's defaults) and the
recomputation of open subjects after a rule change, listed old and new before anything is saved."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from models.deadlines import ClockRule
from webapp.admin.common import _now, bp
from webapp.admin.forms import RuleForm
from webapp.db import session
from webapp.extensions import actor
from workflows import audit, engine, families
from workflows.deadlines import recompute
from workflows.deadlines.rules import FIELDS, load_book, save_rule
from workflows.errors import InvalidInput


def _family(name: str | None):
    fam = families.find(name or "") or families.all_families()[0]
    return fam


def step_labels(fam) -> dict[str, str]:
    """The subject, each step of its process, and the responsibility limits (a co-squad's steps follow its own
    协办时限, so they are not offered one by one)."""
    from workflows.deadlines.responsibility import CO_SQUAD_STEP, RETURN_STEP
    from workflows.tasks.parts import STEPS as CO_STEPS

    tasks = engine.get_process(fam.process_id).user_tasks
    labels = {"": "整件办理期限", **{step: info["name"] for step, info in tasks.items() if step not in CO_STEPS}}
    if fam.co_squad_activity:
        labels[CO_SQUAD_STEP] = "协办时限（每个协办中队，默认整件期限的三分之二）"
    if fam.assign_step or fam.co_squad_activity:
        labels[RETURN_STEP] = "退单时限（自交办起，默认 1 个工作日）"
    return labels


def _rule_form(fam, formdata=None) -> RuleForm:
    form = RuleForm(formdata=formdata)
    form.kind.choices = [(0, "全部种类")] + ([(k, v) for k, v in fam.kinds.items()] if len(fam.kinds) > 1 else [])
    form.step.choices = list(step_labels(fam).items())
    return form


def _rules_page(fam, form: RuleForm, status: int = 200):
    db = session()
    book = load_book(db, fam.name)
    rows = list(db.scalars(select(ClockRule).where(ClockRule.family == fam.name)
                           .order_by(ClockRule.kind, ClockRule.step, ClockRule.effective_from.desc())))
    labels = step_labels(fam)
    kind = next(iter(fam.kinds))
    effective = [(label, book.item(k)) for k, label in fam.kinds.items()]
    steps = [(labels[s], book.step(kind, s)) for s in labels if s]
    return render_template("admin/rules.html", fam=fam, families=families.all_families(), form=form, rows=rows,
                           effective=effective, steps=steps, kinds=fam.kinds, step_labels=labels), status


@bp.route("/clock-rules", methods=["GET", "POST"])
def rules():
    fam = _family(request.args.get("family"))
    form = _rule_form(fam, request.form if request.method == "POST" else None)
    if request.method == "POST" and form.validate_on_submit():
        db, now = session(), _now()
        values = {name: getattr(form, name).data for name in (*FIELDS, "same_day", "pause_on_suspend", "counts_from",
                                                              "max_extension_workdays")}
        try:
            row = save_rule(db, actor_id=actor().id, now=now, family=fam.name, kind=form.kind.data,
                            step=form.step.data or "", values=values)
        except InvalidInput as exc:
            db.rollback()
            getattr(form, exc.field or "amount").errors.append(exc.message)
            return _rules_page(fam, form, 400)
        audit.record(db, actor=actor(), now=now, family="clock_rule", subject_id=row.id, action="clock_rule",
                     summary=f"设置{fam.label}时限规则（种类 {row.kind}，环节 {row.step or '整件'}）", details=values)
        db.commit()
        flash("时限规则已保存：对此后登记的事项生效；在办事项如需按新规则计算，请使用“重新计算”", "success")
        return redirect(url_for("admin.rules", family=fam.name))
    return _rules_page(fam, form, 400 if form.errors else 200)


@bp.route("/clock-rules/<family>/recompute", methods=["GET", "POST"])
def recompute_page(family: str):
    fam = families.find(family) or abort(404)
    kind = request.values.get("kind", type=int)
    kind = kind if kind in fam.kinds and len(fam.kinds) > 1 else None
    db, now = session(), _now()
    if request.method == "POST":
        chosen = {int(v) for v in request.form.getlist("subject_ids") if v.isascii() and v.isdigit()}
        moved = recompute.apply_rules(db, actor=actor(), now=now, family=fam.name, kind=kind, subject_ids=chosen)
        db.commit()
        flash(f"已按现行规则重新计算 {moved} 件{fam.label}的办理期限", "success")
        return redirect(url_for("admin.recompute_page", family=fam.name, kind=kind))
    changes = recompute.preview(db, fam.name, kind, now)
    return render_template("admin/recompute.html", fam=fam, kind=kind, changes=changes,
                           moving=sum(1 for c in changes if c.moves))
