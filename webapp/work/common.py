"""The work blueprint (worklists and task operations of every family) and the filter form of its lists."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, request

from models.subjects import LEVELS
from workflows import families
from workflows.worklists import Filters

bp = Blueprint("work", __name__)


def _date(name: str) -> date | None:
    try:
        value = date.fromisoformat((request.args.get(name) or "")[:10])
    except ValueError:
        return None
    return value if 2000 <= value.year <= 2099 else None


def _int(name: str) -> int | None:
    value = request.args.get(name, type=int)
    return value if value is not None and 0 <= value < 2**31 else None


def filters() -> Filters:
    """The list filters of the query string; a value that makes no sense is ignored, never an error."""
    args = request.args
    family = args.get("family", "")
    return Filters(
        family=family if families.find(family) else "", kind=_int("kind"), squad=_int("squad"),
        step=(args.get("step") or "")[:64], level=args.get("level") if args.get("level") in LEVELS else "",
        due=args.get("due") if args.get("due") in ("near", "overdue") else "", due_from=_date("due_from"),
        due_to=_date("due_to"), registered_from=_date("registered_from"), registered_to=_date("registered_to"),
        q=(args.get("q") or "")[:50], sort=(args.get("sort") or "")[:20],
        desc={"1": True, "0": False}.get(args.get("desc", "")), unread=args.get("unread") == "1",
    )
