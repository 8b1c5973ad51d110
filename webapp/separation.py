"""三员分立: the system administrator, the security administrator and the security auditor each work only in
their own area and never see case content. A user holding one of these roles (they are held alone) reaches
only their area's URLs and the common ones (log-in, own password, notifications, static files); every other
page answers 403, and "/" leads to their area. New pages of an area go under its prefix (e.g. /admin/...)."""

from __future__ import annotations

from flask import Flask, abort, redirect, request, url_for
from flask_login import current_user

from models.org import ADMIN_ROLES, Role

AREAS = {Role.SYSTEM_ADMIN: ("/admin/", "/admin"), Role.SECURITY_ADMIN: ("/security/",),
         Role.SECURITY_AUDITOR: ("/audit",)}
HOMES = {Role.SYSTEM_ADMIN: "users.index", Role.SECURITY_ADMIN: "security.locks",
         Role.SECURITY_AUDITOR: "auditlog.index"}
COMMON = ("/login", "/logout", "/account/", "/static/", "/vendor/", "/notifications", "/healthz", "/readyz",
          "/metrics")


def admin_role(user) -> Role | None:
    """The 三员 role the user holds, when that is all they hold."""
    held = user.roles
    return next(iter(held)) if held and held <= ADMIN_ROLES else None


def _guard():
    if not current_user.is_authenticated:
        return None
    role = admin_role(current_user.user)
    if role is None:
        return None
    path = request.path
    if path == "/":
        return redirect(url_for(HOMES[role]))
    if path.startswith(AREAS[role] + COMMON) or path in AREAS[role]:
        return None
    abort(403, "三员分立：该页面不属于您的管理职责（系统管理员、安全管理员、安全审计员互不兼任，且不查看案件内容）")


def init_app(app: Flask) -> None:
    app.before_request(_guard)
