"""The open API blueprint (/api/v1): bearer tokens with scopes and expiry, JSON errors, every call logged."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from functools import wraps

from flask import Blueprint, g, jsonify, request

from models.petitions import ApiCall
from webapp.db import session
from webapp.extensions import csrf
from workflows.petitions import api_clients

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)


def error(status: int, message: str, field: str | None = None, label: str | None = None, message_en: str = ""):
    body = {"error": message, "error_en": message_en or message}
    if field:
        body["field"] = field
        body["field_label"] = label or field
    return jsonify(body), status


def requires(scope: str) -> Callable:
    """Authenticate the bearer token and check its scope: 401 without a valid token, 403 outside its scope."""

    def wrap(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            header = request.headers.get("Authorization", "")
            token = header[7:].strip() if header.startswith("Bearer ") else ""
            client = api_clients.authenticate(session(), token, datetime.now(UTC))
            if client is None:
                return error(401, "身份验证失败：缺少、无效或已过期的访问令牌（Authorization: Bearer <token>）",
                             message_en="Authentication failed: missing, invalid or expired bearer token")
            g.api_client_id = client.id
            if not api_clients.allows(client, scope):
                return error(403, f"该令牌没有“{api_clients.SCOPES[scope]}”（{scope}）权限",
                             message_en=f"The token lacks the scope {scope}")
            g.api_client = client
            return view(*args, **kwargs)

        return wrapper

    return wrap


@bp.after_request
def _log_call(response):
    """Every call is logged, refused ones too (after the view's own commit or rollback; with the token's last use)."""
    db = session()
    db.add(ApiCall(client_id=g.get("api_client_id"), at=datetime.now(UTC), method=request.method[:8],
                   path=request.path[:200], status=response.status_code))
    db.commit()
    return response


@bp.errorhandler(405)
def _not_allowed(_exc):
    return error(405, "不支持的请求方式", message_en="Method not allowed")


@bp.errorhandler(404)
def _not_found(_exc):
    return error(404, "接口或记录不存在", message_en="Not found")
