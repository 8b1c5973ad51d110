"""申诉: a squad leader's appeal against a ledger line, the deciders' list and decision, the squad's view."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from sqlalchemy import select

from models.org import Squad
from models.scores import ScoreEntry
from webapp.db import session
from webapp.extensions import actor
from webapp.scores.common import bp, now
from webapp.scores.forms import AppealForm, DecisionForm
from workflows.errors import InvalidInput, NotFound
from workflows.scoring import access, appeals, rules


def _entry(entry_id: int) -> ScoreEntry:
    entry = session().get(ScoreEntry, entry_id)
    if entry is None or not access.can_see_entry(actor(), entry):
        raise NotFound("记分记录不存在")
    return entry


@bp.route("/entries/<int:entry_id>/appeal", methods=["GET", "POST"])
def appeal_form(entry_id: int):
    entry, form = _entry(entry_id), AppealForm()
    if form.validate_on_submit():
        db = session()
        try:
            appeals.file(db, actor=actor(), now=now(), entry_id=entry.id, reason=form.reason.data,
                         evidence=form.evidence.data or "")
        except InvalidInput as exc:
            db.rollback()
            getattr(form, exc.field, form.reason).errors.append(exc.message)
        else:
            db.commit()
            flash("申诉已提交，等待督察科或协调科处理", "success")
            return redirect(url_for("scores.appeals"))
    return render_template("scores/appeal_form.html", entry=entry, form=form, label=rules.label_of(entry.code)), \
        400 if form.errors else 200


@bp.route("/appeals", endpoint="appeals")
def appeals_page(form: DecisionForm | None = None, failed: int | None = None):
    db, me = session(), actor()
    if not (access.sees_all(me) or me.has("squad_leader", "squad_member")):
        abort(404)
    rows = appeals.for_squad(db, me)
    entries = {e.key: e for e in db.scalars(select(ScoreEntry).where(
        ScoreEntry.key.in_([a.entry_key for a in rows])))} if rows else {}
    return render_template("scores/appeals.html", rows=rows, entries=entries, form=form or DecisionForm(),
                           failed=failed, blank=DecisionForm(formdata=None),
                           squads=dict(db.execute(select(Squad.id, Squad.name)).all()),
                           labels={c: rules.label_of(c) for c in rules.KINDS},
                           may_decide=access.may_decide_appeals(me)), 400 if failed else 200


@bp.route("/appeals/<int:appeal_id>/decide", methods=["POST"])
def decide(appeal_id: int):
    db, form = session(), DecisionForm()
    if not access.may_decide_appeals(actor()):
        raise NotFound("申诉不存在")
    if not form.validate_on_submit():
        return appeals_page(form, appeal_id)
    try:
        appeals.decide(db, actor=actor(), now=now(), appeal_id=appeal_id, verdict=form.verdict.data,
                       opinion=form.opinion.data)
    except InvalidInput as exc:
        db.rollback()
        getattr(form, exc.field, form.opinion).errors.append(exc.message)
        return appeals_page(form, appeal_id)
    db.commit()
    flash("申诉已处理，结果已告知中队", "success")
    return redirect(url_for("scores.appeals"))
