"""The 考核 blueprint (scores, periods, appeals, personal records, rules, commendations, the dashboard)."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, abort, request
from flask_login import login_required

from workflows.errors import InvalidInput
from workflows.scoring import periods

bp = Blueprint("scores", __name__, url_prefix="/scores")


@bp.before_request
@login_required
def _signed_in():
    return None


def now() -> datetime:
    return datetime.now(UTC)


def period_arg() -> periods.Period:
    """The asked period (kind, key), or the previous month; a malformed one is a 400 in Chinese."""
    kind = request.args.get("kind") or "month"
    key = request.args.get("key")
    if not key:
        current = periods.containing(kind if kind in periods.KINDS else "month", now())
        return periods.previous(current)
    try:
        return periods.parse(kind, key)
    except InvalidInput as exc:
        abort(400, exc.message)
