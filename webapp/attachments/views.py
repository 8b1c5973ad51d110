"""Attachment downloads, within the viewer's scope (whoever may see the subject of any family)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, send_from_directory
from flask_login import login_required

from models.attachments import Attachment
from webapp.db import session
from webapp.extensions import actor
from workflows import attachments
from workflows.tasks.access import visible

bp = Blueprint("attachments", __name__, url_prefix="/attachments")


@bp.route("/<int:attachment_id>")
@login_required
def download(attachment_id: int):
    db = session()
    row = db.get(Attachment, attachment_id)
    if row is None:
        abort(404)
    visible(db, actor(), row.family, row.subject_id)
    response = send_from_directory(current_app.config["UPLOAD_FOLDER"], row.stored_name, as_attachment=True,
                                   download_name=row.original_name, mimetype=attachments.safe_type(row.original_name))
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"  # never a live page, even if opened
    return response
