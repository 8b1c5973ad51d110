"""Store uploaded files under generated names; keep the original (CJK) name for display."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from models.attachments import Attachment
from models.org import User
from workflows.errors import InvalidInput

MAX_NAME = 200


@dataclass(frozen=True)
class Upload:
    filename: str
    content_type: str
    data: bytes


def extension(filename: str) -> str:
    return filename.rsplit(".", 1)[-1].lower() if "." in filename else ""


def check(upload: Upload, allowed: frozenset[str], max_bytes: int, field: str = "files") -> None:
    name = upload.filename.strip()
    if not name or len(name) > MAX_NAME:
        raise InvalidInput("文件名为空或过长", field)
    if extension(name) not in allowed:
        raise InvalidInput(f"不支持的文件类型：{name}（允许：{'、'.join(sorted(allowed))}）", field)
    if not upload.data:
        raise InvalidInput(f"文件为空：{name}", field)
    if len(upload.data) > max_bytes:
        raise InvalidInput(f"文件过大：{name}", field)


def save(
    session: Session, *, actor: User, now: datetime, folder: str, family: str, subject_id: int,
    step: str | None, upload: Upload,
) -> Attachment:
    """Write the file and its row; the row commits with the caller's transaction."""
    stored = f"{uuid.uuid4().hex}.{extension(upload.filename)}"
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    (target / stored).write_bytes(upload.data)
    row = Attachment(
        family=family, subject_id=subject_id, step=step, original_name=upload.filename.strip(),
        stored_name=stored, content_type=upload.content_type or "application/octet-stream",
        size=len(upload.data), sha256=hashlib.sha256(upload.data).hexdigest(),
        uploaded_by_id=actor.id, uploaded_at=now,
    )
    session.add(row)
    return row
