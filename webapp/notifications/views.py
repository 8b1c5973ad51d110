"""通知中心: the bell (unread count), the list, mark read (and follow the link), e-mail settings."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from models.notifications import Notification, NotificationSetting
from webapp import subjects
from webapp.db import session
from webapp.extensions import actor
from webapp.notifications.forms import EmailForm
from webapp.paging import paginate
from workflows import notifications

bp = Blueprint("notifications", __name__, url_prefix="/notifications")
KIND_LABELS = {"assigned": "待办", "returned": "退回", "urged": "催办", "warning": "临期预警", "overdue": "超期",
               "escalated": "升级", "extension": "延期", "clock": "时限", "system": "系统"}


@bp.app_context_processor
def _bell():
    def unread() -> int:
        if not current_user.is_authenticated:
            return 0
        return notifications.unread_count(session(), current_user.user.id)

    return {"notification_unread": unread, "NOTIFICATION_KINDS": KIND_LABELS}


def link_for(note: Notification) -> str | None:
    if note.family is None or note.subject_id is None:
        return None
    url = subjects.url_for_subject(note.family, note.subject_id)
    return f"{url}#step-{note.task_uuid}" if url and note.task_uuid else url


@bp.route("")
@login_required
def index():
    db = session()
    me = actor()
    query = select(Notification).where(Notification.user_id == me.id)
    if request.args.get("unread") == "1":
        query = query.where(Notification.read_at.is_(None))
    kind = request.args.get("kind")
    if kind in KIND_LABELS:
        query = query.where(Notification.kind == kind)
    found = paginate(db, query, Notification.read_at.is_not(None), Notification.created_at.desc(),
                     unique=Notification.id.desc())
    links = {n.id: link_for(n) for n in found.rows}
    return render_template("notifications/index.html", rows=found.rows, links=links, total=found.total,
                           page=found.page, pages=found.pages, kinds=KIND_LABELS)


@bp.route("/<int:note_id>/open", methods=["POST"])
@login_required
def open_(note_id: int):
    """Mark one notification read and go to its step (only the owner's own notifications)."""
    db = session()
    note = db.get(Notification, note_id)
    if note is None or note.user_id != actor().id:
        abort(404)
    notifications.mark_read(db, user_id=actor().id, now=datetime.now(UTC), ids=[note.id])
    db.commit()
    return redirect(link_for(note) or url_for("notifications.index"))


@bp.route("/read-all", methods=["POST"])
@login_required
def read_all():
    db = session()
    n = notifications.mark_read(db, user_id=actor().id, now=datetime.now(UTC))
    db.commit()
    flash(f"已将 {n} 条通知标为已读", "success")
    return redirect(url_for("notifications.index"))


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    db = session()
    me = actor()
    setting = db.get(NotificationSetting, me.id)
    form = EmailForm(obj=setting) if request.method == "GET" else EmailForm()
    if form.validate_on_submit():
        notifications.set_email(db, user_id=me.id, email=form.email.data or "", enabled=form.email_enabled.data)
        db.commit()
        flash("通知设置已保存", "success")
        return redirect(url_for("notifications.settings"))
    return render_template("notifications/settings.html", form=form), 400 if form.errors else 200
