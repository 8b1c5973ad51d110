"""Log in and out."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required, login_user, logout_user
from sqlalchemy import select
from werkzeug.security import check_password_hash

from models.org import User
from webapp.auth.forms import LoginForm
from webapp.db import session
from webapp.extensions import LoginUser, actor
from workflows import audit, users

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    if target and not urlsplit(target).netloc and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("work.todo")


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        db = session()
        # The user's row is locked first: its audit chain (seq = last + 1) is allocated under that lock, so
        # simultaneous logins of one user queue instead of colliding on the chain.
        user = db.scalar(select(User).where(User.username == form.username.data.strip()).with_for_update())
        if user is None or not user.active or not check_password_hash(user.password_hash, form.password.data):
            form.password.errors.append("用户名或密码错误")
        else:
            login_user(LoginUser(user))
            audit.record(db, actor=user, now=datetime.now(UTC), family="user", subject_id=user.id,
                         action="login", summary="登录系统")
            db.commit()
            return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    db = session()
    users.locked(db, actor().id)
    audit.record(db, actor=actor(), now=datetime.now(UTC), family="user", subject_id=actor().id,
                 action="logout", summary="退出系统")
    db.commit()
    logout_user()
    flash("您已退出登录", "info")
    return redirect(url_for("auth.login"))
