"""待办 my work, 已办 done by me, 我登记的 registered by me; claim and reassign."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import login_required
from sqlalchemy import select

from models.audit import AuditEntry
from models.items import SupervisedItem
from models.org import Role, User
from webapp import subjects
from webapp.db import session
from webapp.extensions import actor
from webapp.paging import paginate
from workflows.access import my_work_query
from workflows.errors import DomainError
from workflows.items import operations

bp = Blueprint("work", __name__)


@bp.route("/")
@login_required
def todo():
    me = actor()
    if me.has(Role.SYSTEM_ADMIN):
        return redirect(url_for("users.index"))  # administrators handle no work; they start at user management
    db = session()
    rows = list(db.scalars(my_work_query(me).limit(500)))
    members = []
    if me.has(Role.SQUAD_LEADER):
        members = list(db.scalars(select(User).where(User.squad_id == me.squad_id, User.active).order_by(User.name)))
    links = {(w.family, w.subject_id): subjects.url_for_subject(w.family, w.subject_id) for w in rows}
    assignee_ids = {w.assignee_id for w in rows if w.assignee_id}
    names = dict(db.execute(select(User.id, User.name).where(User.id.in_(assignee_ids))).tuples().all())
    return render_template("work/todo.html", rows=rows, links=links, members=members, names=names,
                           family_labels=subjects.FAMILY_LABELS, me=me)


@bp.route("/done")
@login_required
def done():
    me = actor()
    db = session()
    query = select(AuditEntry).where(AuditEntry.actor_id == me.id, AuditEntry.action == "complete")
    found = paginate(db, query, AuditEntry.at.desc(), unique=AuditEntry.id.desc())
    entries = found.rows
    names = subjects.labels(db, [(e.family, e.subject_id) for e in entries])
    links = {(e.family, e.subject_id): subjects.url_for_subject(e.family, e.subject_id) for e in entries}
    return render_template("work/done.html", entries=entries, names=names, links=links, total=found.total,
                           page=found.page, pages=found.pages)


@bp.route("/registered")
@login_required
def registered():
    me = actor()
    db = session()
    query = select(SupervisedItem).where(SupervisedItem.registered_by_id == me.id)
    found = paginate(db, query, SupervisedItem.registered_at.desc(), unique=SupervisedItem.id.desc())
    return render_template("work/registered.html", items=found.rows, total=found.total, page=found.page,
                           pages=found.pages)


def _back():
    target = request.form.get("next") or ""
    return redirect(target if target.startswith("/") and not target.startswith("//") else url_for("work.todo"))


@bp.route("/work/<int:work_id>/claim", methods=["POST"])
@login_required
def claim(work_id: int):
    db = session()
    work = operations.claim(db, actor=actor(), now=datetime.now(UTC), work_id=work_id)
    db.commit()
    flash(f"已签收“{work.step_name}”", "success")
    return _back()


@bp.route("/work/<int:work_id>/reassign", methods=["POST"])
@login_required
def reassign(work_id: int):
    db = session()
    member_id = request.form.get("member_id", type=int)
    if member_id is None:
        abort(400, "请选择转办对象")
    try:
        work = operations.reassign(db, actor=actor(), now=datetime.now(UTC), work_id=work_id, member_id=member_id)
    except DomainError as exc:
        db.rollback()
        if exc.status != 400:
            raise
        flash(exc.message, "error")
        return _back()
    db.commit()
    flash(f"已转办“{work.step_name}”", "success")
    return _back()
