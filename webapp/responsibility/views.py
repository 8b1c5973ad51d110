"""Routes of 协办 (add, remove, mark missing), 退单 (file, decide, leader's final decision) and 改派, for every
family; each action commits once, a refusal is shown as a message and nothing is saved."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import flash, redirect, render_template, request, url_for
from flask_login import login_required

from webapp import subjects, uploads
from webapp.db import session
from webapp.extensions import actor
from webapp.fields import Form
from webapp.responsibility.common import RETURN_STEP, bp
from webapp.responsibility.forms import (
    AddCoSquadForm,
    DecideReturnForm,
    FinalDecisionForm,
    ReassignForm,
    RemoveCoSquadForm,
    ReturnForm,
)
from webapp.work.actions import _run as run_action
from workflows.errors import DomainError, InvalidInput, NotFound
from workflows.tasks import cosquads, returns
from workflows.tasks.access import visible
from workflows.tasks.cosquads import PartInput, read_inputs


def _now() -> datetime:
    return datetime.now(UTC)


def _back(family: str, subject_id: int):
    return redirect(subjects.url_for_subject(family, subject_id) or url_for("work.todo"))


def _first_error(form) -> str:
    for name, errors in form.errors.items():
        for e in errors:
            if isinstance(e, str):
                return f"{form[name].label.text}：{e}"
    return "请检查填写的内容"


def _run(form, action, done: str, family: str, subject_id: int):
    """Validate, then run like every task operation (a refusal is a message on the subject page)."""
    visible(session(), actor(), family, subject_id)
    if not form.validate_on_submit():
        flash(_first_error(form), "error")
        return _back(family, subject_id)
    return run_action(action, done, family, subject_id)


def _choices(form):
    from webapp.responsibility.common import _squad_choices
    from webapp.responsibility.steps import fill_rows

    db = session()
    for name in ("squad_id", "to_squad_id"):
        if hasattr(form, name):
            getattr(form, name).choices = _squad_choices(db)
    if hasattr(form, "co_squads"):
        fill_rows(db, form.co_squads)
    return form


@bp.route("/<family>/<int:subject_id>/co-squads", methods=["POST"])
@login_required
def add_co_squad(family: str, subject_id: int):
    form = _choices(AddCoSquadForm(prefix="co"))
    return _run(form, lambda db: cosquads.add(db, actor=actor(), now=_now(), family=family, subject_id=subject_id,
                                              part=PartInput(form.squad_id.data or 0, form.part.data or "")),
                "已增加协办中队", family, subject_id)


@bp.route("/<family>/<int:subject_id>/co-squads/<int:part_id>/remove", methods=["POST"])
@login_required
def remove_co_squad(family: str, subject_id: int, part_id: int):
    form = RemoveCoSquadForm(prefix=f"rm{part_id}")
    return _run(form, lambda db: cosquads.remove(db, actor=actor(), now=_now(), family=family, subject_id=subject_id,
                                                 part_id=part_id, reason=form.reason.data),
                "已撤销协办中队", family, subject_id)


@bp.route("/<family>/<int:subject_id>/co-squads/<int:part_id>/missing", methods=["POST"])
@login_required
def mark_missing(family: str, subject_id: int, part_id: int):
    form = Form()
    return _run(form, lambda db: cosquads.mark_missing(db, actor=actor(), now=_now(), family=family,
                                                       subject_id=subject_id, part_id=part_id),
                "已标记协办反馈缺失，主办中队可继续拟复", family, subject_id)


@bp.route("/<family>/<int:subject_id>/return", methods=["GET", "POST"])
@login_required
def file_return(family: str, subject_id: int):
    db, me = session(), actor()
    fam, subject = visible(db, me, family, subject_id)
    form = ReturnForm(formdata=uploads.formdata() if request.method == "POST" else None)
    window = returns.window(db, fam, subject, _now())
    back = subjects.url_for_subject(family, subject_id)
    if form.validate_on_submit():
        now = _now()
        try:
            files = uploads.collect(form.files)
            returns.file(db, actor=me, now=now, family=family, subject_id=subject_id, reason=form.reason.data,
                         explanation=form.explanation.data)
            uploads.save_all(db, actor=me, now=now, family=family, subject_id=subject_id, step=RETURN_STEP,
                             uploads=files)
        except InvalidInput as exc:
            db.rollback()
            getattr(form, exc.field or "explanation", form.explanation).errors.append(exc.message)
        except DomainError as exc:
            db.rollback()
            form.form_errors.append(exc.message)
        else:
            db.commit()
            flash("退单已提交，等待决定；决定前办理期限照常计算", "success")
            return redirect(back)
    status = 400 if form.errors or form.form_errors else 200
    return render_template("responsibility/return.html", form=form, fam=fam, subject=subject, back=back,
                           window=window), status


@bp.route("/returns/<int:return_id>/decide", methods=["POST"])
@login_required
def decide_return(return_id: int):
    row = _return(return_id)
    form = _choices(DecideReturnForm(prefix="dr"))
    accept = form.decision.data == "accept"
    return _run(form, lambda db: returns.decide(
        db, actor=actor(), now=_now(), return_id=return_id, accept=accept, note=form.note.data or "",
        to_squad_id=form.to_squad_id.data if accept else None,
        co_squads=read_inputs({"co_squads": form.co_squads.data}) if accept else None),
        "已同意退单并改派" if accept else "已驳回退单", row.family, row.subject_id)


@bp.route("/returns/<int:return_id>/final", methods=["POST"])
@login_required
def final_decision(return_id: int):
    row = _return(return_id)
    form = _choices(FinalDecisionForm(prefix="fd"))
    return _run(form, lambda db: returns.decide(
        db, actor=actor(), now=_now(), return_id=return_id, accept=form.to_squad_id.data != row.squad_id,
        note=form.note.data or "", to_squad_id=form.to_squad_id.data), "终审决定已保存", row.family, row.subject_id)


def _return(return_id: int):
    from models.responsibility import JurisdictionReturn

    row = session().get(JurisdictionReturn, return_id)
    if row is None:
        raise NotFound("退单不存在")
    visible(session(), actor(), row.family, row.subject_id)
    return row


@bp.route("/<family>/<int:subject_id>/reassign", methods=["POST"])
@login_required
def reassign(family: str, subject_id: int):
    form = _choices(ReassignForm(prefix="ra"))
    return _run(form, lambda db: returns.reassign(
        db, actor=actor(), now=_now(), family=family, subject_id=subject_id, to_squad_id=form.to_squad_id.data or 0,
        reason=form.reason.data or "", co_squads=read_inputs({"co_squads": form.co_squads.data})),
        "已改派", family, subject_id)
