"""Reading a submitted form's files and values, the same way on every page that takes evidence."""

from __future__ import annotations

from datetime import datetime

from flask import current_app, request
from sqlalchemy.orm import Session
from werkzeug.datastructures import CombinedMultiDict

from models.org import User
from workflows import attachments


def formdata() -> CombinedMultiDict:
    """Form fields and files together, for forms with a file field."""
    return CombinedMultiDict([request.files, request.form])


def collect(field) -> list[attachments.Upload]:
    """The files of a (Multiple)FileField, checked against the upload rules (InvalidInput names the field)."""
    cfg = current_app.config
    found = []
    attachments.check_count(len([s for s in field.data or [] if s and s.filename]), cfg["MAX_UPLOAD_FILES"],
                            field.name)
    for storage in field.data or []:
        if storage and storage.filename:
            storage.stream.seek(0)  # a retried request reads the same file again
            upload = attachments.Upload(storage.filename, storage.mimetype or "", storage.read())
            attachments.check(upload, cfg["ALLOWED_UPLOAD_EXTENSIONS"], cfg["MAX_CONTENT_LENGTH"], field.name)
            found.append(upload)
    return found


def save_all(db: Session, *, actor: User, now: datetime, family: str, subject_id: int, step: str | None,
             uploads: list[attachments.Upload]) -> None:
    for upload in uploads:
        attachments.save(db, actor=actor, now=now, folder=current_app.config["UPLOAD_FOLDER"], family=family,
                         subject_id=subject_id, step=step, upload=upload)


def step_values(form) -> dict:
    """A step form's values for the domain (files and the CSRF token are not values)."""
    return {k: v for k, v in form.data.items() if k not in ("files", "csrf_token")}
