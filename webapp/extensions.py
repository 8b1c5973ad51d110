"""Flask-Login and CSRF protection, initialised in one place."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Flask, current_app
from flask import session as flask_session
from flask_login import LoginManager, current_user
from flask_wtf import CSRFProtect, FlaskForm

from models.org import User
from workflows import audit, retry, sessions

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "请先登录"
login_manager.login_message_category = "warning"
csrf = CSRFProtect()


class LoginUser:
    """Wraps a User row for Flask-Login."""

    def __init__(self, user: User):
        self.user = user

    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:
        return self.user.usable(datetime.now(UTC))

    def get_id(self) -> str:
        return str(self.user.id)


def lifetimes() -> sessions.Lifetimes:
    cfg = current_app.config
    return sessions.Lifetimes(idle=timedelta(minutes=cfg["SESSION_IDLE_MINUTES"]),
                              absolute=timedelta(hours=cfg["SESSION_MAX_HOURS"]))


@login_manager.user_loader
def _load_user(user_id: str):
    """The cookie's user, only while its server-side session lives (not logged out, not idle, not too old)."""
    from flask import g

    from webapp.db import session

    if g.get("session_check_failed"):
        return None  # the error page of a failed check renders anonymously
    db = session()

    def check():
        live = sessions.check(db, flask_session.get("sid"), datetime.now(UTC), lifetimes())
        if db.dirty:  # the touch (once a minute) or the end of an idle session: nothing else happened yet
            db.commit()
        return live

    g.session_check_failed = True
    live_id = retry.run(check, db.rollback)  # a busy database is retried like a whole view
    g.session_check_failed = False
    if live_id is None or str(live_id) != user_id:
        flask_session.pop("sid", None)
        return None
    user = db.get(User, live_id)
    return LoginUser(user) if user is not None and user.usable(datetime.now(UTC)) else None


def _load_first() -> None:
    """Load the user before any view writes, so the session check commits on its own."""
    from flask import request

    audit.set_address((request.remote_addr or "")[:64])
    if request.endpoint not in ("static", "assets.vendor"):
        _ = current_user.is_authenticated


def init_app(app: Flask) -> None:
    FlaskForm.Meta.locales = ("zh",)  # built-in validator messages in Chinese ("不是有效的日期值。")
    login_manager.init_app(app)
    csrf.init_app(app)
    app.before_request(_load_first)


def actor() -> User:
    """The acting user of the current request."""
    return current_user.user
