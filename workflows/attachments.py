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


# What the first bytes of each allowed kind look like: a file must be what its extension says.
_OLE, _ZIP = (b"\xd0\xcf\x11\xe0",), (b"PK\x03\x04",)
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "jpg": (b"\xff\xd8",), "jpeg": (b"\xff\xd8",), "png": (b"\x89PNG\r\n\x1a\n",), "gif": (b"GIF87a", b"GIF89a"),
    "pdf": (b"%PDF",), "doc": _OLE, "xls": _OLE, "docx": _ZIP, "xlsx": _ZIP, "zip": _ZIP,
    "mp3": (b"ID3", b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"),
}
NEVER = {"svg", "svgz", "html", "htm", "xhtml", "xml", "js", "mjs", "exe", "bat", "cmd", "sh", "php", "jsp"}
SAFE_TYPES = {"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "gif": "image/gif",
              "pdf": "application/pdf", "txt": "text/plain", "mp4": "video/mp4", "mp3": "audio/mpeg"}


def _content_matches(ext: str, data: bytes) -> bool:
    if ext == "txt":
        if b"\x00" in data or data.lstrip()[:1] == b"<":  # binary, or markup a browser might render
            return False
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            try:
                data.decode("gb18030")
            except UnicodeDecodeError:
                return False
        return True
    if ext == "mp4":
        return data[4:8] == b"ftyp"
    signatures = SIGNATURES.get(ext)
    return signatures is None or data.startswith(signatures)


def safe_type(filename: str) -> str:
    """The Content-Type a download is sent with: from the extension, never the uploader's claim."""
    return SAFE_TYPES.get(extension(filename), "application/octet-stream")


def check(upload: Upload, allowed: frozenset[str], max_bytes: int, field: str = "files") -> None:
    name = upload.filename.strip()
    if not name or len(name) > MAX_NAME:
        raise InvalidInput("文件名为空或过长", field)
    if any(c in name for c in "/\\\x00") or ".." in name or name.startswith("."):
        raise InvalidInput(f"文件名不能包含路径（/、\\、..）或以点开头：{name}", field)
    ext = extension(name)
    if ext not in allowed or ext in NEVER:
        raise InvalidInput(f"不支持的文件类型：{name}（允许：{'、'.join(sorted(allowed - NEVER))}）", field)
    if not upload.data:
        raise InvalidInput(f"文件为空（0 字节）：{name}", field)
    if len(upload.data) > max_bytes:
        raise InvalidInput(f"文件过大：{name}", field)
    if not _content_matches(ext, upload.data):
        raise InvalidInput(f"文件内容与扩展名不符：{name} 不是有效的 .{ext} 文件", field)


def check_count(count: int, limit: int, field: str = "files") -> None:
    if count > limit:
        raise InvalidInput(f"一次最多上传 {limit} 个文件（本次 {count} 个）", field)


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
        stored_name=stored, content_type=safe_type(upload.filename),
        size=len(upload.data), sha256=hashlib.sha256(upload.data).hexdigest(),
        uploaded_by_id=actor.id, uploaded_at=now,
    )
    session.add(row)
    return row
