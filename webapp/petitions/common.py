"""The petitions blueprint and what its view modules share."""

from __future__ import annotations

import os
from zoneinfo import ZoneInfo

from flask import Blueprint, current_app, request
from werkzeug.datastructures import CombinedMultiDict

from workflows import attachments
from workflows.petitions.deadlines import Limits

bp = Blueprint("petitions", __name__, url_prefix="/petitions")
LOCAL = ZoneInfo("Asia/Shanghai")


def limits() -> Limits:
    """Time limits and sampling: app config, else environment (PETITION_ACCEPT_DAYS, PETITION_CONCLUDE_DAYS,
    PETITION_MAX_EXTENSION_DAYS, PETITION_RECTIFY_DAYS, PETITION_RECHECK_DAYS, PETITION_WINDOW_DAYS,
    PETITION_SAMPLE_PERCENT), else the defaults of `Limits`."""
    cfg = current_app.config
    defaults = Limits()
    values = {}
    for name in defaults.__dataclass_fields__:
        key = f"PETITION_{name.upper()}"
        values[name] = int(cfg.get(key) or os.environ.get(key) or getattr(defaults, name))
    return Limits(**values)


def formdata():
    return CombinedMultiDict([request.files, request.form])


def uploads(field) -> list[attachments.Upload]:
    """The uploaded files of a MultipleFileField, checked against the upload rules (InvalidInput)."""
    cfg = current_app.config
    result = []
    for storage in field.data or []:
        if storage and storage.filename:
            upload = attachments.Upload(storage.filename, storage.mimetype or "", storage.read())
            attachments.check(upload, cfg["ALLOWED_UPLOAD_EXTENSIONS"], cfg["MAX_CONTENT_LENGTH"], field.name)
            result.append(upload)
    return result


def save_uploads(db, *, actor, now, subject_id: int, step: str | None, files) -> None:
    from models.petitions import FAMILY_PETITION

    for upload in files:
        attachments.save(db, actor=actor, now=now, folder=current_app.config["UPLOAD_FOLDER"],
                         family=FAMILY_PETITION, subject_id=subject_id, step=step, upload=upload)
