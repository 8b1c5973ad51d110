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
from webapp import subjects
from webapp.db import session
from webapp.extensions import actor
from webapp.items.forms import STEP_FORMS, RegisterForm
from webapp.paging import paginate
from workflows import audit
from workflows.errors import InvalidInput
from workflows.items import operations
from workflows.items.family import scope
from workflows.tasks import cc
from workflows.tasks.access import visible

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
    query = _filtered(scope(actor(), select(SupervisedItem)), request.args)
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


def _prepare(db, form, work, item, fresh: bool) -> None:
    if work.step == "assign":
        form.lead_squad_id.choices = [(s.id, s.name) for s in db.scalars(select(Squad).order_by(Squad.id))]
    if work.step == "accept":
        members = db.scalars(select(User).where(User.squad_id == item.lead_squad_id, User.active).order_by(User.name))
        me = actor()
        form.handler_id.choices = [(u.id, u.name) for u in members if me.has(Role.SQUAD_LEADER) or u.id == me.id]
        if fresh:
            form.handler_id.data = me.id


def render_item(item, failed=None, status=200):
    db, me = session(), actor()
    files = list(db.scalars(select(Attachment).where(Attachment.family == FAMILY_INSTRUCTED,
                                                       Attachment.subject_id == item.id).order_by(Attachment.id)))
    return render_template("items/show.html", item=item, files=files,
                           panel=subjects.panel(db, me, FAMILY_INSTRUCTED, item, failed),
                           entries=audit.timeline(db, FAMILY_INSTRUCTED, item.id)), status


subjects.register(subjects.Pages(FAMILY_INSTRUCTED, "items.show", "item_id", STEP_FORMS, _prepare, render_item))


@bp.route("/<int:item_id>")
@login_required
def show(item_id: int):
    db = session()
    _, item = visible(db, actor(), FAMILY_INSTRUCTED, item_id)
    if cc.mark_read(db, user=actor(), family=FAMILY_INSTRUCTED, subject_id=item.id, now=datetime.now(UTC)):
        db.commit()
    return render_item(item)
