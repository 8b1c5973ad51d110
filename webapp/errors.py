"""One answer per error: domain errors, 404/403/409/413, CSRF failures, lost database races and unexpected
failures as Chinese pages. Every handler first rolls back the request's session, so a failed transaction
never breaks the error page and nothing half-done is saved."""

from __future__ import annotations

import logging

from flask import Flask, abort, g, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError
from werkzeug.exceptions import HTTPException

from webapp.fields import has_control_characters
from workflows.errors import DomainError
from workflows.retry import is_retryable

log = logging.getLogger("duban.errors")
MESSAGES = {
    400: "请求有误",
    403: "您无权访问该页面或执行该操作",
    404: "页面或记录不存在",
    405: "不支持的请求方式",
    409: "该操作与当前状态冲突，请刷新后重试",
    413: "上传文件过大",
    500: "系统内部错误，请联系管理员",
}
CONFLICT_SAVED = "与他人同时提交的内容冲突，本次提交未保存，请刷新页面后重试"
BUSY = "系统繁忙，本次提交未保存，请稍后重试"


def _rollback() -> None:
    session = g.get("db_session")
    if session is not None:
        session.rollback()


def _page(status: int, message: str | None = None):
    _rollback()
    text = message or MESSAGES.get(status, "请求有误")
    return render_template("error.html", status=status, message=text), status


def _http_error(exc):
    status = getattr(exc, "code", 500) or 500
    description = getattr(exc, "description", None)
    custom = description if description != getattr(type(exc), "description", None) else None
    return _page(status, custom)


def _code(exc: DBAPIError) -> str:
    """The error's class and SQLSTATE, never its message (PostgreSQL's DETAIL quotes the refused values)."""
    diag = getattr(exc.orig, "diag", None)
    constraint = getattr(diag, "constraint_name", None) or ""  # a name from the schema, never a value
    return f"{type(exc.orig).__name__} {getattr(exc.orig, 'sqlstate', '') or ''} {constraint}".strip()


def _unexpected(exc: Exception):
    if isinstance(exc, HTTPException):
        return _http_error(exc)
    if isinstance(exc, DataError):  # a value the database refuses (out of range, bad characters): nothing saved
        log.warning("data refused by the database: %s", _code(exc))
        return _page(400, "提交的数据格式不正确或超出范围，未保存，请检查后重新提交")
    if isinstance(exc, IntegrityError):
        log.warning("integrity conflict: %s", _code(exc))
        return _page(409, CONFLICT_SAVED)
    if isinstance(exc, DBAPIError) and is_retryable(exc):
        log.warning("database race not resolved by retries: %s", _code(exc))
        return _page(503, BUSY)
    log.exception("unexpected error")
    return _page(500)


def _guard_query_string() -> None:
    for key, value in request.args.items(multi=True):
        if has_control_characters(key) or has_control_characters(value):
            abort(400, "链接中的查询参数含有不可见的控制字符（如空字符），请检查后重试")


def init_app(app: Flask) -> None:
    app.before_request(_guard_query_string)
    for status in MESSAGES:
        app.register_error_handler(status, _http_error)
    app.register_error_handler(Exception, _unexpected)

    @app.errorhandler(DomainError)
    def _domain(exc: DomainError):
        return _page(exc.status, exc.message)

    @app.errorhandler(CSRFError)
    def _csrf(_exc):
        return _page(400, "页面已过期或来源不明（CSRF 校验失败），请刷新页面后重新提交")
