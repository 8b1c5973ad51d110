"""Errors that domain operations raise; the web layer maps each to one HTTP answer."""

from __future__ import annotations


class DomainError(Exception):
    status = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    status = 404


class PermissionDenied(DomainError):
    status = 403


class Conflict(DomainError):
    """The step was already handled (or is being handled right now)."""

    status = 409


class InvalidInput(DomainError):
    """Input the forms could not catch; `field` names the form field it belongs to."""

    status = 400

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def required_text(value: str | None, label: str, field: str, limit: int) -> str:
    """A required free text of a domain operation, stripped; InvalidInput next to `field` when empty or too long."""
    text = (value or "").strip()
    if not text:
        raise InvalidInput(f"请填写{label}", field)
    if len(text) > limit:
        raise InvalidInput(f"{label}不能超过 {limit} 字", field)
    return text
