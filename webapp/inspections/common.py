"""The inspections blueprint, shared by its view modules."""

from __future__ import annotations

from flask import Blueprint, abort

from models.org import User
from workflows.inspections import access

bp = Blueprint("inspections", __name__, url_prefix="/inspections")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def require_staff(me: User) -> None:
    """Bureau-side pages (task list, templates, register, figures): not for squads' members or guests."""
    if access.is_guest(me) or not (access.sees_every_level(me) or access.may_edit_templates(me)):
        abort(403, "无权查看")


def attachment_name(name: str) -> str:
    from urllib.parse import quote

    return f"attachment; filename=export; filename*=UTF-8''{quote(name)}"
