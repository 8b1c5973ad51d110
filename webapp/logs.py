"""Logs: JSON lines on stdout (python-json-logger), one per request with its request id, and no secrets.

Each request gets an id (the proxy's X-Request-ID when it is well formed, else a new one); it is on the log line,
in the X-Request-ID response header and on the error page, so a user can quote it. The request line names the
route pattern (`/items/<int:item_id>`), never the path or query string (which may carry search terms), and the
user id, never a name. A filter masks what looks like a mobile number, an ID-card number or a bearer token in any
log message, as the last line of defence."""

from __future__ import annotations

import logging
import re
import sys
import time
import uuid

from flask import Flask, g, request
from pythonjsonlogger.json import JsonFormatter

log = logging.getLogger("duban.request")
REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
SECRETS = [
    (re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]+"), r"\1[已隐去]"),
    (re.compile(r"(?i)(password|passwd|secret|token)(['\"]?\s*[:=]\s*['\"]?)[^\s'\",&]+"), r"\1\2[已隐去]"),
    (re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)"), "[身份证号已隐去]"),
    (re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)"), "[手机号已隐去]"),
]
MARK = "_duban_json"


def redact(text: str) -> str:
    for pattern, replacement in SECRETS:
        text = pattern.sub(replacement, text)
    return text


class Formatter(JsonFormatter):
    def formatException(self, ei) -> str:  # noqa: N802 - logging's name
        return redact(super().formatException(ei))


class RedactFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = redact(record.getMessage()), ()
        return True


def configure(stream=None, level: int = logging.INFO) -> logging.Handler:
    """One JSON handler on the root logger (idempotent: a second call replaces the first)."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, MARK, False):
            root.removeHandler(handler)
    handler = logging.StreamHandler(stream or sys.stdout)
    handler.setFormatter(Formatter("%(asctime)s %(levelname)s %(name)s %(message)s", json_ensure_ascii=False,
                                       rename_fields={"asctime": "time", "levelname": "level", "name": "logger"}))
    handler.addFilter(RedactFilter())
    setattr(handler, MARK, True)
    root.addHandler(handler)
    root.setLevel(level)
    return handler


def request_id() -> str:
    return g.get("request_id", "")


def _start() -> None:
    given = request.headers.get("X-Request-ID", "")
    g.request_id = given if REQUEST_ID.match(given) else uuid.uuid4().hex
    g.log_started = time.perf_counter()


def _user_id() -> int | None:
    from flask_login import current_user

    try:
        return current_user.user.id if current_user.is_authenticated else None
    except Exception:  # noqa: BLE001 - the log line must never fail a request (e.g. the database is down)
        return None


def _finish(response):
    response.headers["X-Request-ID"] = request_id()
    started = g.pop("log_started", None)
    duration = round((time.perf_counter() - started) * 1000, 1) if started is not None else None
    log.info("request", extra={
        "request_id": request_id(), "user_id": _user_id(), "method": request.method,
        "route": request.url_rule.rule if request.url_rule else None,
        "endpoint": request.endpoint, "status": response.status_code, "duration_ms": duration})
    return response


def init_app(app: Flask) -> None:
    if not app.testing and app.config.get("LOG_JSON", True):
        configure()
    app.before_request(_start)
    app.after_request(_finish)
    app.jinja_env.globals["request_id"] = request_id
