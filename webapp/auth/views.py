"""Log in and out, change one's own password, and the forced change before anything else."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask import session as flask_session
from flask_login import current_user, login_required, login_user, logout_user

from webapp import metrics
from webapp.auth.common import client_address, limits, policy
from webapp.auth.forms import ChangePasswordForm, LoginForm
from webapp.db import session
from webapp.extensions import LoginUser, actor
from workflows import audit, login, passwords, sessions, users
from workflows.errors import InvalidInput

bp = Blueprint("auth", __name__)
OPEN_WHILE_FORCED = {"auth.change_password", "auth.logout", "auth.login", "static", "assets.vendor"}


def _safe_next(target: str | None) -> str:
    if target and not urlsplit(target).netloc and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("work.todo")


@bp.route("/login", methods=["GET", "POST"], endpoint="login")
def login_page():
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        db = session()
        try:
            user = login.authenticate(db, username=form.username.data, password=form.password.data,
                                      address=client_address(), now=datetime.now(UTC), limits=limits())
        except (login.LoginRefused, login.SlowDown) as exc:
            db.commit()  # the failed attempt, the count and the lockout are kept
            metrics.LOGIN_FAILURES.inc()
            form.password.errors.append(exc.message)
            status = exc.status
        else:
            _begin(db, user)
            db.commit()
            return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form), status


def _begin(db, user) -> None:
    """A fresh cookie session (nothing from before the log-in survives: new token, new CSRF secret) tied to a
    new server-side session."""
    flask_session.clear()
    flask_session.permanent = True
    flask_session["sid"] = sessions.start(db, user, datetime.now(UTC), client_address())
    login_user(LoginUser(user))


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    db = session()
    now = datetime.now(UTC)
    users.locked(db, actor().id)  # every entry on a user's audit chain is written under the user's row lock
    audit.record(db, actor=actor(), now=now, family="user", subject_id=actor().id,
                 action="logout", summary="退出系统", details={"address": client_address()})
    sessions.end(db, flask_session.get("sid"), now)
    db.commit()
    logout_user()
    flask_session.clear()
    flash("您已退出登录", "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    reason = passwords.must_change(actor(), policy(), datetime.now(UTC))
    if form.validate_on_submit():
        db = session()
        try:
            users.change_own_password(db, actor=actor(), now=datetime.now(UTC), current=form.current.data,
                                      password=form.password.data, policy=policy())
        except InvalidInput as exc:
            db.rollback()
            getattr(form, exc.field or "password").errors.append(exc.message)
        else:
            _begin(db, actor())  # every other session has ended; this browser continues in a new one
            db.commit()
            flash("密码已修改，其他设备上的登录已全部失效", "success")
            return redirect(url_for("work.todo"))
    return render_template("auth/password.html", form=form, reason=reason, rules=policy().describe()), \
        400 if form.errors else 200


@bp.before_app_request
def _forced_change():
    """A user whose password must change (first log-in, admin reset, expiry) can do nothing else first."""
    if request.endpoint in OPEN_WHILE_FORCED or not current_user.is_authenticated:
        return None
    if passwords.must_change(actor(), policy(), datetime.now(UTC)):
        return redirect(url_for("auth.change_password"))
    return None
