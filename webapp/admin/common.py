"""The 系统管理 blueprint: only the system administrator enters."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint
from flask_login import login_required

from models.org import Role
from webapp.extensions import actor
from workflows.errors import PermissionDenied

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@login_required
def _only_admins():
    if not actor().has(Role.SYSTEM_ADMIN):
        raise PermissionDenied("只有系统管理员可以访问系统管理")


def _now() -> datetime:
    return datetime.now(UTC)
