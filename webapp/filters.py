"""Template helpers: times shown in Asia/Shanghai, deadline colours."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import Flask

LOCAL = ZoneInfo("Asia/Shanghai")


def local(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(LOCAL).strftime(fmt)


def local_date(value: datetime | None) -> str:
    return local(value, "%Y-%m-%d")


def due_state(due_at: datetime | None, stage: int = 0, now: datetime | None = None) -> str:
    """Colour of a deadline: 'overdue', 'red' (red warning), 'near' (yellow warning) or 'normal'.

    `stage` is the ladder stage the scheduler reached (1 yellow, 2 red, 3 overdue, 4 escalated); between
    ticks the clock itself still turns a passed deadline red, and the last 24 hours count as near."""
    if due_at is None:
        return "normal"
    now = now or datetime.now(UTC)
    if due_at < now or stage >= 3:
        return "overdue"
    if stage >= 2:
        return "red"
    if stage >= 1 or (due_at - now).total_seconds() < 24 * 3600:
        return "near"
    return "normal"


def pager_args(args, page: int) -> str:
    """The current query string with another page number."""
    from urllib.parse import urlencode

    pairs = [(k, v) for k, v in args.items(multi=True) if k != "page"]
    return urlencode([*pairs, ("page", page)])


DUE_LABELS = {"overdue": "超期", "red": "临期", "near": "临期", "normal": "正常"}
DUE_CLASSES = {"overdue": "danger", "red": "orange", "near": "warning", "normal": "success"}


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(local=local, local_date=local_date, pager_args=pager_args)
    from workflows.access import GROUP_LABELS

    app.jinja_env.globals.update(due_state=due_state, DUE_LABELS=DUE_LABELS, DUE_CLASSES=DUE_CLASSES,
                                 GROUP_LABELS=GROUP_LABELS)
