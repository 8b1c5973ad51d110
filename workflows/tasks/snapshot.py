"""What a step's handler changed on its subject, kept in the completion's audit entry so that withdrawing the
step (撤回) can put the subject's own columns back."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import inspect

# Columns the toolkit keeps itself (status, clock, projection): never restored from a handler's changes.
KEPT = {"id", "instance_id", "status", "current_step_name", "closed_at", "deadline_at", "deadline_provisional",
        "deadline_basis", "base_deadline_at", "clock_rules_at", "suspended_at", "alert_stage", "next_alert_at",
        "level", "extension_count", "urge_count"}


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict) and set(value) == {"datetime"}:
        return datetime.fromisoformat(value["datetime"])
    if isinstance(value, dict) and set(value) == {"date"}:
        return date.fromisoformat(value["date"])
    return value


def columns(subject: Any) -> dict[str, Any]:
    return {attr.key: getattr(subject, attr.key) for attr in inspect(type(subject)).column_attrs
            if attr.key not in KEPT}


def changes(before: dict[str, Any], subject: Any) -> dict[str, Any]:
    """The columns the handler changed, with their values before it ran (JSON-safe)."""
    return {key: _encode(old) for key, old in before.items() if getattr(subject, key) != old}


def restore(subject: Any, changed: dict[str, Any]) -> None:
    for key, old in changed.items():
        if key not in KEPT:
            setattr(subject, key, _decode(old))
