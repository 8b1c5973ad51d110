"""用户管理 (system administrator): list, create, change, reset password."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import login_required
from sqlalchemy import select

from models.org import Role, Section, Squad, User
from webapp.auth.common import policy
from webapp.db import session
from webapp.extensions import actor
from webapp.users.forms import PasswordForm, UserForm
from workflows import users
from workflows.errors import InvalidInput

bp = Blueprint("users", __name__, url_prefix="/admin/users")


@bp.before_request
@login_required
def _admin_only():
    if not actor().has(Role.SYSTEM_ADMIN):
        abort(403, "只有系统管理员可以管理用户")


def _choices(form: UserForm) -> None:
    db = session()
    none = [("", "（无）")]
    form.squad_id.choices = none + [(s.id, s.name) for s in db.scalars(select(Squad).order_by(Squad.id))]
    form.section_id.choices = none + [(s.id, s.name) for s in db.scalars(select(Section).order_by(Section.id))]


def _data(form: UserForm) -> users.UserData:
    return users.UserData(username=form.username.data, name=form.name.data,
                          roles=[Role(r) for r in form.roles.data or []], squad_id=form.squad_id.data,
                          section_id=form.section_id.data, active=form.active.data)


@bp.route("")
def index():
    db = session()
    rows = list(db.scalars(select(User).order_by(User.squad_id.is_not(None), User.squad_id, User.username)))
    return render_template("users/index.html", rows=rows)


def _save(form: UserForm, user: User | None):
    db = session()
    now = datetime.now(UTC)
    try:
        if user is None:
            if not form.password.data:
                raise InvalidInput("新建用户时必须设置初始密码", "password")
            user = users.create_user(db, actor=actor(), now=now, data=_data(form), password=form.password.data,
                                     policy=policy())
        else:
            users.update_user(db, actor=actor(), now=now, user_id=user.id, data=_data(form))
    except InvalidInput as exc:
        db.rollback()
        getattr(form, exc.field or "username").errors.append(exc.message)
        return None
    db.commit()
    return user


@bp.route("/new", methods=["GET", "POST"])
def new():
    form = UserForm()
    _choices(form)
    if form.validate_on_submit():
        user = _save(form, None)
        if user is not None:
            flash(f"已创建用户 {user.username}", "success")
            return redirect(url_for("users.index"))
    return render_template("users/edit.html", form=form, user=None), 400 if form.errors else 200


@bp.route("/<int:user_id>", methods=["GET", "POST"])
def edit(user_id: int):
    user = session().get(User, user_id) or abort(404)
    form = UserForm(obj=user if request.method == "GET" else None)
    if request.method == "GET":
        form.roles.data = [r.value for r in user.roles]
    _choices(form)
    form.username.data = user.username
    if form.validate_on_submit() and _save(form, user) is not None:
        flash(f"已保存用户 {user.username}", "success")
        return redirect(url_for("users.index"))
    return render_template("users/edit.html", form=form, user=user, pw=PasswordForm(prefix="pw")), \
        400 if form.errors else 200


@bp.route("/<int:user_id>/password", methods=["POST"])
def password(user_id: int):
    db = session()
    user = db.get(User, user_id) or abort(404)
    pw = PasswordForm(prefix="pw")
    if pw.validate_on_submit():
        try:
            users.reset_password(db, actor=actor(), now=datetime.now(UTC), user_id=user.id,
                                 password=pw.password.data, policy=policy())
        except InvalidInput as exc:
            db.rollback()
            pw.password.errors.append(exc.message)
        else:
            db.commit()
            flash(f"已重置 {user.username} 的密码", "success")
            return redirect(url_for("users.index"))
    form = UserForm(obj=user)
    form.roles.data = [r.value for r in user.roles]
    _choices(form)
    return render_template("users/edit.html", form=form, user=user, pw=pw), 400
