"""Attachment downloads, within the viewer's scope."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, send_from_directory
from flask_login import login_required

from models.attachments import Attachment
from models.items import FAMILY_INSTRUCTED
from webapp.db import session
from webapp.extensions import actor
from workflows.items.operations import get_visible_item

bp = Blueprint("attachments", __name__, url_prefix="/attachments")

# family -> function(session, actor, subject_id) raising NotFound/PermissionDenied when not visible
VISIBILITY = {FAMILY_INSTRUCTED: get_visible_item}


@bp.route("/<int:attachment_id>")
@login_required
def download(attachment_id: int):
    db = session()
    row = db.get(Attachment, attachment_id)
    if row is None or row.family not in VISIBILITY:
        abort(404)
    VISIBILITY[row.family](db, actor(), row.subject_id)
    return send_from_directory(current_app.config["UPLOAD_FOLDER"], row.stored_name, as_attachment=True,
                               download_name=row.original_name, mimetype=row.content_type)
