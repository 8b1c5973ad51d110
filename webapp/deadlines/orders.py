"""督办单 pages: the list (leaders and the coordination section see all, a squad its own), one order as a
printable page and as .docx, the squad's written answer and a leader's instruction."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Response, flash, redirect, render_template, url_for
from flask_login import login_required
from sqlalchemy import select

from models.org import Role, Squad
from models.subjects import SupervisionOrder
from webapp import subjects
from webapp.db import session
from webapp.deadlines.common import bp
from webapp.deadlines.forms import AnswerForm, InstructionForm
from webapp.documents import OfficialDocument
from webapp.extensions import actor
from webapp.filters import local
from webapp.paging import paginate
from workflows.access import SQUAD_ROLES
from workflows.calendar import local_day
from workflows.deadlines import orders
from workflows.errors import InvalidInput, NotFound

STATUS_LABELS = {"issued": "待答复", "answered": "已答复"}


def _scope(query):
    me = actor()
    if me.has(Role.COORDINATOR, Role.LEADER):
        return query
    if me.has(*SQUAD_ROLES):
        return query.where(SupervisionOrder.squad_id == me.squad_id)
    raise NotFound("页面或记录不存在")


def _order(order_id: int) -> SupervisionOrder:
    order = session().scalar(_scope(select(SupervisionOrder)).where(SupervisionOrder.id == order_id))
    if order is None:
        raise NotFound("督办单不存在")
    return order


@bp.route("/orders")
@login_required
def order_list():
    db = session()
    found = paginate(db, _scope(select(SupervisionOrder)), SupervisionOrder.status.desc(),
                     SupervisionOrder.issued_at.desc(), unique=SupervisionOrder.id.desc())
    names = subjects.labels(db, [(o.family, o.subject_id) for o in found.rows])
    squads = dict(db.execute(select(Squad.id, Squad.name)).tuples().all())
    return render_template("deadlines/orders.html", page=found, names=names, squads=squads,
                           statuses=STATUS_LABELS, now=datetime.now(UTC))


def _page(order: SupervisionOrder, answer=None, instruction=None, status: int = 200):
    db, me = session(), actor()
    label = subjects.labels(db, [(order.family, order.subject_id)]).get((order.family, order.subject_id), ("", ""))
    squad = db.get(Squad, order.squad_id) if order.squad_id else None
    can_answer = order.status == "issued" and me.has(*SQUAD_ROLES) and me.squad_id == order.squad_id
    return render_template(
        "deadlines/order.html", order=order, label=label, squad=squad, lines=order_lines(order, label),
        link=subjects.url_for_subject(order.family, order.subject_id), issuer=orders.ISSUER,
        answer=answer or (AnswerForm() if can_answer else None),
        instruction=instruction or (InstructionForm() if me.has(Role.LEADER) else None)), status


def order_lines(order: SupervisionOrder, label: tuple[str, str]) -> list[str]:
    lines = [f"{label[0]}「{label[1]}」办理期限为{local(order.deadline_at, '%Y年%m月%d日')}，现已超期，列为红色督办。",
             f"请于{local(order.answer_due_at, '%Y年%m月%d日')}前将超期原因、整改措施和办理结果书面答复局领导，"
             "并抄报局协调科。"]
    if order.instruction:
        lines.append(f"局领导批示：{order.instruction}")
    return lines


@bp.route("/orders/<int:order_id>")
@login_required
def order_page(order_id: int):
    return _page(_order(order_id))


@bp.route("/orders/<int:order_id>.docx")
@login_required
def order_docx(order_id: int):
    order = _order(order_id)
    db = session()
    label = subjects.labels(db, [(order.family, order.subject_id)]).get((order.family, order.subject_id), ("", ""))
    squad = db.get(Squad, order.squad_id) if order.squad_id else None
    doc = OfficialDocument(f"督办单 {order.number}")
    doc.heading(orders.ISSUER, "督 办 单", order.number)
    doc.para(f"{squad.name if squad else '承办单位'}：")
    doc.body(order_lines(order, label))
    doc.signature(orders.ISSUER, local_day(order.issued_at))
    return Response(doc.bytes(), mimetype="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                    headers={"Content-Disposition": f"attachment; filename=order-{order.id}.docx"})


def _post(order_id: int, form, action, done: str, slot: str):
    order = _order(order_id)
    if form.validate_on_submit():
        db = session()
        try:
            action(db, order)
        except InvalidInput as exc:
            db.rollback()
            next(iter(form)).errors.append(exc.message)
        else:
            db.commit()
            flash(done, "success")
            return redirect(url_for("deadlines.order_page", order_id=order.id))
    return _page(_order(order_id), status=400, **{slot: form})


@bp.route("/orders/<int:order_id>/answer", methods=["POST"])
@login_required
def answer_order(order_id: int):
    form = AnswerForm()
    return _post(order_id, form, lambda db, order: orders.answer(db, actor=actor(), now=datetime.now(UTC),
                                                                 order_id=order.id, text=form.answer.data),
                 "已书面答复督办单", "answer")


@bp.route("/orders/<int:order_id>/instruct", methods=["POST"])
@login_required
def instruct_order(order_id: int):
    form = InstructionForm()
    return _post(order_id, form, lambda db, order: orders.instruct(db, actor=actor(), now=datetime.now(UTC),
                                                                   order_id=order.id, text=form.instruction.data),
                 "已批示", "instruction")
