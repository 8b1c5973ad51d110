"""One answer per error: domain errors, 404/403/409/413 and CSRF failures as Chinese pages."""

from __future__ import annotations

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError

from workflows.errors import DomainError

MESSAGES = {
    400: "请求有误",
    403: "您无权访问该页面或执行该操作",
    404: "页面或记录不存在",
    405: "不支持的请求方式",
    409: "该操作与当前状态冲突，请刷新后重试",
    413: "上传文件过大",
    500: "系统内部错误，请联系管理员",
}


def _page(status: int, message: str | None = None):
    text = message or MESSAGES.get(status, "请求有误")
    return render_template("error.html", status=status, message=text), status


def _http_error(exc):
    status = getattr(exc, "code", 500) or 500
    description = getattr(exc, "description", None)
    custom = description if description != getattr(type(exc), "description", None) else None
    return _page(status, custom)


def init_app(app: Flask) -> None:
    for status in MESSAGES:
        app.register_error_handler(status, _http_error)

    @app.errorhandler(DomainError)
    def _domain(exc: DomainError):
        return _page(exc.status, exc.message)

    @app.errorhandler(CSRFError)
    def _csrf(_exc):
        return _page(400, "页面已过期或来源不明（CSRF 校验失败），请刷新页面后重新提交")
