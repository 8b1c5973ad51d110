"""督办件: list, register, item page and the current step's form."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import login_required
from sqlalchemy import or_, select

from models.attachments import Attachment
from models.items import FAMILY_INSTRUCTED, ItemKind, SupervisedItem
from models.org import Role, Squad, User
from webapp import uploads
from webapp.db import session
from webapp.extensions import actor
from webapp.items.forms import STEP_FORMS, RegisterForm
from webapp.paging import paginate
from workflows import audit
from workflows.access import can_act, item_scope
from workflows.errors import InvalidInput
from workflows.items import operations

bp = Blueprint("items", __name__, url_prefix="/items")
LOCAL = ZoneInfo("Asia/Shanghai")


def _filtered(query, args):
    if args.get("kind", type=int) in set(ItemKind):
        query = query.where(SupervisedItem.kind == args.get("kind", type=int))
    if args.get("status") in ("open", "closed"):
        query = query.where(SupervisedItem.status == args["status"])
    if args.get("squad", type=int):
        query = query.where(SupervisedItem.lead_squad_id == args.get("squad", type=int))
    if args.get("overdue") == "1":
        query = query.where(SupervisedItem.status == "open", SupervisedItem.deadline_at < datetime.now(UTC))
    q = (args.get("q") or "").strip()[:50]
    if q:
        like = f"%{q}%"
        query = query.where(or_(SupervisedItem.title.like(like), SupervisedItem.number.like(like),
                                SupervisedItem.source_doc_number.like(like)))
    return query


@bp.route("")
@login_required
def index():
    db = session()
    query = _filtered(item_scope(actor(), select(SupervisedItem)), request.args)
    found = paginate(db, query, SupervisedItem.status.desc(), SupervisedItem.deadline_at, unique=SupervisedItem.id)
    squads = list(db.scalars(select(Squad).order_by(Squad.id)))
    return render_template("items/index.html", items=found.rows, total=found.total, page=found.page,
                           pages=found.pages, squads=squads, kinds=list(ItemKind))


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    if not actor().has(Role.COORDINATOR):
        abort(403, "只有协调科可以登记督办件")
    form = RegisterForm()
    if request.method == "GET":
        form.received_at.data = datetime.now(LOCAL).replace(second=0, microsecond=0, tzinfo=None)
    if form.validate_on_submit():
        db = session()
        reg = operations.Registration(
            kind=ItemKind(form.kind.data), title=form.title.data, instruction_text=form.instruction_text.data,
            received_at=form.received_at.data.replace(tzinfo=LOCAL).astimezone(UTC),
            source_doc_number=form.source_doc_number.data or "", instructing_leader=form.instructing_leader.data or "",
            deadline_on=form.deadline_on.data, needs_study=form.needs_study.data,
        )
        try:
            item = operations.register_item(db, actor=actor(), now=datetime.now(UTC), reg=reg)
        except InvalidInput as exc:
            db.rollback()
            getattr(form, exc.field or "title").errors.append(exc.message)
        else:
            db.commit()
            flash(f"已登记督办件 {item.number}", "success")
            return redirect(url_for("items.show", item_id=item.id))
    return render_template("items/new.html", form=form), 400 if form.errors else 200


def _step_form(db, work, item, formdata=None):
    form = STEP_FORMS[work.step](formdata=formdata, prefix=work.step)
    if work.step == "assign":
        form.lead_squad_id.choices = [(s.id, s.name) for s in db.scalars(select(Squad).order_by(Squad.id))]
    if work.step == "accept":
        members = db.scalars(select(User).where(User.squad_id == item.lead_squad_id, User.active).order_by(User.name))
        me = actor()
        form.handler_id.choices = [(u.id, u.name) for u in members if me.has(Role.SQUAD_LEADER) or u.id == me.id]
        if formdata is None:
            form.handler_id.data = me.id
    return form


def _render_item(item, failed_work=None, failed_form=None, status=200):
    db = session()
    me = actor()
    open_work = operations.open_work(db, item)
    forms = {}
    for work in open_work:
        if can_act(me, work):
            forms[work.id] = failed_form if failed_work is work else _step_form(db, work, item)
    files = list(db.scalars(select(Attachment).where(Attachment.family == FAMILY_INSTRUCTED,
                                                       Attachment.subject_id == item.id).order_by(Attachment.id)))
    entries = audit.timeline(db, FAMILY_INSTRUCTED, item.id)
    holder_ids = {w.assignee_id for w in open_work if w.assignee_id}
    holders = dict(db.execute(select(User.id, User.name).where(User.id.in_(holder_ids))).tuples().all())
    return render_template("items/show.html", item=item, open_work=open_work, forms=forms, files=files,
                           entries=entries, holders=holders), status


@bp.route("/<int:item_id>")
@login_required
def show(item_id: int):
    item = operations.get_visible_item(session(), actor(), item_id)
    return _render_item(item)


@bp.route("/<int:item_id>/steps/<task_uuid>", methods=["POST"])
@login_required
def complete(item_id: int, task_uuid: str):
    db = session()
    me = actor()
    item = operations.get_visible_item(db, me, item_id)
    work = operations.work_for(db, me, item, task_uuid)
    form = _step_form(db, work, item, formdata=uploads.formdata())
    if not form.validate():
        return _render_item(item, work, form, 400)
    now = datetime.now(UTC)
    try:
        files = uploads.collect(form.files)
        operations.complete_step(db, actor=me, now=now, item=item, task_uuid=task_uuid,
                                 values=uploads.step_values(form))
        uploads.save_all(db, actor=me, now=now, family=FAMILY_INSTRUCTED, subject_id=item.id, step=work.step,
                         uploads=files)
    except InvalidInput as exc:
        db.rollback()
        item = operations.get_visible_item(db, me, item_id)
        work = operations.work_for(db, me, item, task_uuid)
        getattr(form, exc.field or "files", form.files).errors.append(exc.message)
        return _render_item(item, work, form, 400)
    db.commit()
    flash(f"“{work.step_name}”已办理：{item.current_step_name}" if item.status == "open"
          else f"{item.number} 已办结", "success")
    return redirect(url_for("items.show", item_id=item.id))
