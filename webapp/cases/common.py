"""The major-case blueprint, shared by its view modules (views, reports)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import Blueprint

bp = Blueprint("cases", __name__, url_prefix="/cases")
LOCAL = ZoneInfo("Asia/Shanghai")
