"""Flask-Login and CSRF protection, initialised in one place."""

from __future__ import annotations

from flask import Flask
from flask_login import LoginManager
from flask_wtf import CSRFProtect, FlaskForm

from models.org import User

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
        return self.user.active

    def get_id(self) -> str:
        return str(self.user.id)


@login_manager.user_loader
def _load_user(user_id: str):
    from webapp.db import session

    user = session().get(User, int(user_id)) if user_id.isdigit() else None
    return LoginUser(user) if user is not None and user.active else None


def init_app(app: Flask) -> None:
    FlaskForm.Meta.locales = ("zh",)  # built-in validator messages in Chinese ("不是有效的日期值。")
    login_manager.init_app(app)
    csrf.init_app(app)


def actor() -> User:
    """The acting user of the current request."""
    from flask_login import current_user

    return current_user.user
