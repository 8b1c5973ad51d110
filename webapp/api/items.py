"""POST /api/v1/items: an instructed item (批示件) registered by a city system. Bad input answers 400 with the
field and a message in Chinese and English; never 500."""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask import g, jsonify, request
from sqlalchemy.exc import IntegrityError

from models.items import ItemKind
from webapp.api.common import bp, error, requires
from webapp.db import session
from workflows.errors import Conflict, InvalidInput, PermissionDenied
from workflows.items import operations

# field -> (Chinese label, English label, max length or None)
FIELDS = {
    "external_ref": ("外部编号", "external reference", 64),
    "kind": ("批示类别", "kind", None),
    "title": ("标题", "title", 200),
    "instruction_text": ("批示内容", "instruction text", 5000),
    "received_at": ("收件时间", "received time", None),
    "source_doc_number": ("来文文号", "source document number", 64),
    "instructing_leader": ("批示领导", "instructing leader", 64),
    "deadline_on": ("办理期限", "deadline", None),
    "needs_study": ("是否需要专案研究", "needs joint study", None),
}
REQUIRED = ("external_ref", "kind", "title", "instruction_text", "received_at")


class BadField(Exception):
    def __init__(self, field: str | None, zh: str, en: str):
        super().__init__(zh)
        self.field, self.zh, self.en = field, zh, en


def _text(body: dict, name: str) -> str:
    value = body.get(name)
    zh, en, limit = FIELDS[name]
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise BadField(name, f"{zh}必须是字符串", f"{en} must be a string")
    value = value.strip()
    if name in REQUIRED and not value:
        raise BadField(name, f"请填写{zh}", f"{en} is required")
    if limit and len(value) > limit:
        raise BadField(name, f"{zh}不能超过 {limit} 个字符", f"{en} must be at most {limit} characters")
    if any(ord(c) < 32 and c not in "\n\t" for c in value) or "\x00" in value:
        raise BadField(name, f"{zh}含有不可见的控制字符", f"{en} contains control characters")
    return value


def _kind(body: dict) -> ItemKind:
    value = body.get("kind")
    if isinstance(value, bool) or not isinstance(value, int) or value not in {int(k) for k in ItemKind}:
        raise BadField("kind", "批示类别应为 1 至 6 的整数", "kind must be an integer from 1 to 6")
    return ItemKind(value)


def _received_at(body: dict) -> datetime:
    value = _text(body, "received_at")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None or not 2000 <= parsed.year <= 2099:
        raise BadField("received_at", "收件时间应为带时区的 ISO 8601 时间，例：2026-10-08T09:30:00+08:00",
                       "received_at must be an ISO 8601 time with offset, e.g. 2026-10-08T09:30:00+08:00")
    return parsed.astimezone(UTC)


def _deadline_on(body: dict) -> date | None:
    value = body.get("deadline_on")
    if value in (None, ""):
        return None
    try:
        parsed = date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        parsed = None
    if parsed is None or not 2000 <= parsed.year <= 2099:
        raise BadField("deadline_on", "办理期限应为日期，例：2026-10-20", "deadline_on must be a date, e.g. 2026-10-20")
    return parsed


def _registration(body) -> tuple[operations.Registration, str]:
    if not isinstance(body, dict):
        raise BadField(None, "请求体必须是 JSON 对象", "The request body must be a JSON object")
    unknown = sorted(k for k in body if k not in FIELDS)
    if unknown:
        name = str(unknown[0])[:64]
        raise BadField(name, f"不认识的字段：{name}", f"Unknown field: {name}")
    study = body.get("needs_study", False)
    if not isinstance(study, bool):
        raise BadField("needs_study", "是否需要专案研究应为 true 或 false", "needs_study must be true or false")
    external_ref = _text(body, "external_ref")
    reg = operations.Registration(
        kind=_kind(body), title=_text(body, "title"), instruction_text=_text(body, "instruction_text"),
        received_at=_received_at(body), source_doc_number=_text(body, "source_doc_number"),
        instructing_leader=_text(body, "instructing_leader"), deadline_on=_deadline_on(body), needs_study=study)
    return reg, external_ref


def _bad(field: str | None, zh: str, en: str, status: int = 400):
    label = FIELDS[field][0] if field in FIELDS else field
    return error(status, zh, field, label, en)


@bp.route("/items", methods=["POST"])
@requires("items:write")
def create_item():
    db, now, client = session(), datetime.now(UTC), g.api_client
    body = request.get_json(silent=True)
    if body is None:
        return _bad(None, "请求体不是有效的 JSON", "The request body is not valid JSON")
    try:
        reg, external_ref = _registration(body)
        item = operations.register_item(db, actor=None, now=now, reg=reg, client_name=client.name,
                                        external_ref=external_ref)
        db.commit()
    except BadField as exc:
        db.rollback()
        return _bad(exc.field, exc.zh, exc.en)
    except InvalidInput as exc:
        db.rollback()
        return _bad(exc.field, exc.message, f"Invalid field '{exc.field}'" if exc.field else "Invalid input")
    except (Conflict, IntegrityError):
        db.rollback()
        return _bad("external_ref", "该外部编号已登记", "This external reference is already registered", 409)
    except PermissionDenied as exc:
        db.rollback()
        return _bad(None, exc.message, "Not allowed", 403)
    return jsonify({"id": item.id, "number": item.number, "status": item.status, "external_ref": item.external_ref,
                    "deadline_at": item.deadline_at.isoformat()}), 201
