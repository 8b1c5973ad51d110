"""三级督察台账 (per squad, month or quarter; .xlsx) and supervisors' training sessions."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import login_required
from sqlalchemy import select

from models.org import Squad, User
from webapp.db import session
from webapp.extensions import actor
from webapp.inspections.common import XLSX, attachment_name, bp
from webapp.inspections.forms import TrainingForm
from workflows.calendar import LOCAL_TZ
from workflows.errors import InvalidInput, PermissionDenied
from workflows.inspections import access
from workflows.inspections import ledger as ledger_ops


def _args(me) -> tuple[int, str]:
    squad_id = request.args.get("squad", type=int) or me.squad_id
    period = request.args.get("period") or datetime.now(UTC).astimezone(LOCAL_TZ).strftime("%Y-%m")
    if not squad_id:
        squad_id = session().scalar(select(Squad.id).order_by(Squad.id).limit(1))
    return squad_id or 0, period


def _book(me):
    squad_id, period = _args(me)
    try:
        return ledger_ops.ledger(session(), me, squad_id, period)
    except PermissionDenied:
        abort(404, "台账不存在或无权查看")
    except InvalidInput as exc:
        abort(400, exc.message)


@bp.route("/ledger")
@login_required
def ledger():
    me = actor()
    book = _book(me)
    squads = list(session().scalars(select(Squad).order_by(Squad.id))) if access.sees_every_level(me) else [
        book.squad]
    return render_template("inspections/ledger.html", book=book, squads=squads)


@bp.route("/ledger.xlsx")
@login_required
def ledger_xlsx():
    book = _book(actor())
    return Response(ledger_ops.export(book), mimetype=XLSX,
                    headers={"Content-Disposition": attachment_name(f"{book.squad.name}督察台账{book.period}.xlsx")})


def _training_form(db, me, formdata=None) -> TrainingForm:
    form = TrainingForm(formdata=formdata)
    query = select(User).where(User.active.is_(True), User.squad_id.is_not(None) | User.section_id.is_not(None))
    if not access.may_open_bureau_round(me):
        query = query.where(User.squad_id == me.squad_id)
    form.attendee_ids.choices = [(u.id, f"{u.name}（{u.unit_name}）") for u in db.scalars(
        query.order_by(User.squad_id, User.id))]
    return form


@bp.route("/training", methods=["GET", "POST"])
@login_required
def training():
    db, me = session(), actor()
    if access.is_guest(me) or not (access.sees_every_level(me) or access.may_open_bureau_round(me)
                                   or me.has(*access.SQUAD_SUPERVISION)):
        abort(403, "无权查看")
    may_record = access.may_open_bureau_round(me) or access.is_squad_inspector(me)
    form = _training_form(db, me, request.form if request.method == "POST" else None)
    if request.method == "POST":
        if not may_record:
            abort(403, "只有责任科室或三级督察员可以登记培训")
        if form.validate():
            try:
                ledger_ops.record_training(db, actor=me, now=datetime.now(UTC), title=form.title.data,
                                           held_on=form.held_on.data, hours=form.hours.data,
                                           content=form.content.data or "", attendee_ids=form.attendee_ids.data)
            except InvalidInput as exc:
                db.rollback()
                getattr(form, exc.field or "title").errors.append(exc.message)
            else:
                db.commit()
                flash("已登记培训", "success")
                return redirect(url_for("inspections.training"))
    return render_template("inspections/training.html", rows=ledger_ops.sessions(db, me), form=form,
                           may_record=may_record), 400 if form.errors else 200
