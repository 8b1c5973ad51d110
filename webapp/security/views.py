"""安全管理 (security administrator): locked accounts and live sessions."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import login_required
from sqlalchemy import select

from models.org import Role, User
from webapp.auth.common import client_address
from webapp.db import session
from webapp.extensions import actor
from webapp.fields import Form
from workflows import login, sessions
from workflows.errors import PermissionDenied

bp = Blueprint("security", __name__, url_prefix="/security")


@bp.before_request
@login_required
def _only_security_admins():
    if not actor().has(Role.SECURITY_ADMIN):
        raise PermissionDenied("只有安全管理员可以访问安全管理")


@bp.route("/locks")
def locks():
    rows = login.locked_users(session(), datetime.now(UTC))
    return render_template("security/locks.html", rows=rows, form=Form())


@bp.route("/locks/<int:user_id>/unlock", methods=["POST"])
def unlock(user_id: int):
    form = Form()
    if not form.validate_on_submit():
        return redirect(url_for("security.locks"))
    db = session()
    user = login.unlock(db, actor=actor(), now=datetime.now(UTC), user_id=user_id, address=client_address())
    db.commit()
    flash(f"已解除 {user.username} 的锁定", "success")
    return redirect(url_for("security.locks"))


@bp.route("/sessions")
def session_list():
    from webapp.extensions import lifetimes

    rows = sessions.live(session(), datetime.now(UTC), lifetimes())
    names = {u.id: u for u in session().scalars(select(User).where(User.id.in_({r.user_id for r in rows})))}
    return render_template("security/sessions.html", rows=rows, names=names, form=Form())


@bp.route("/sessions/<session_id>/end", methods=["POST"])
def end_session(session_id: str):
    form = Form()
    if form.validate_on_submit():
        db = session()
        sessions.revoke(db, actor=actor(), now=datetime.now(UTC), session_id=session_id[:64], address=client_address())
        db.commit()
        flash("已结束该会话", "success")
    return redirect(url_for("security.session_list"))
