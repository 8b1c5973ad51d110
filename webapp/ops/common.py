"""The ops blueprint (routes in `views`, commands in `commands`: `flask backup`, `flask restore`, `flask doctor`)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("ops", __name__, cli_group=None)
