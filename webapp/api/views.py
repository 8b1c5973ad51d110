"""REST API for external systems (12345 hotline, the online case system): POST /api/v1/petitions.

Bearer-token clients (`flask create-api-client NAME`); JSON in, JSON out, Chinese messages with field names.
401 bad token, 400 malformed, 409 duplicate external reference, 201 created.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import g, jsonify, request
from sqlalchemy.exc import IntegrityError

from webapp.api.common import bp, error, requires
from webapp.db import session
from workflows.errors import Conflict, InvalidInput
from workflows.petitions import intake
from workflows.petitions.ledger import parse_received_at

TEXT_FIELDS = ("channel", "address", "category", "content", "petitioner_name", "petitioner_phone",
               "petitioner_id_no", "street", "external_ref")


EN = {"external_ref": "external reference", "received_at": "received time"}


def _error(status: int, message: str, field: str | None = None):
    label = intake.LABELS.get(field, field) if field else None
    english = f"Invalid or missing field '{field}'" if field and status == 400 else ""
    if field == "external_ref" and status == 409:
        english = "This external reference is already registered"
    return error(status, message, field, label, english)


def _input(body) -> intake.PetitionInput:
    if not isinstance(body, dict):
        raise InvalidInput("请求体必须是 JSON 对象")
    for key in TEXT_FIELDS:
        if key in body and body[key] is not None and not isinstance(body[key], str):
            raise InvalidInput(f"{intake.LABELS[key]}必须是字符串", key)
    if not (body.get("external_ref") or "").strip():
        raise InvalidInput("请填写外部编号（接口登记必填，用于防止重复）", "external_ref")
    if not isinstance(body.get("received_at"), str) or not body["received_at"].strip():
        raise InvalidInput("请填写收件时间（ISO 8601，例：2026-10-08T09:30:00+08:00）", "received_at")
    values = {key: (body.get(key) or "") for key in TEXT_FIELDS}
    return intake.PetitionInput(received_at=parse_received_at(body["received_at"].strip()), **values)


@bp.route("/petitions", methods=["POST"])
@requires("petitions:write")
def create_petition():
    db, now, client = session(), datetime.now(UTC), g.api_client
    body = request.get_json(silent=True)
    if body is None:
        return _error(400, "请求体不是有效的 JSON")
    try:
        data = _input(body)
        petition = intake.register(db, actor=None, now=now, data=data, source="api", client_name=client.name)
        db.commit()
    except InvalidInput as exc:
        db.rollback()
        return _error(400, exc.message, exc.field)
    except Conflict as exc:
        db.rollback()
        return _error(409, exc.message, "external_ref")
    except IntegrityError as exc:
        db.rollback()
        if "external_ref" in str(exc.orig):  # a simultaneous post of the same reference won the race
            return _error(409, f"外部编号 {data.external_ref.strip()} 已登记", "external_ref")
        return _error(409, "与同时提交的请求冲突，本次未登记，请重试")
    return jsonify({"id": petition.id, "number": petition.number, "status": petition.status,
                    "squad": petition.squad.name if petition.squad else None,
                    "conclude_due_at": petition.conclude_due_at.isoformat()}), 201
