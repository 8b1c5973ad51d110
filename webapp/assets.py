"""Serves the pinned front-end packages installed from the npm registry (package.json)."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, send_from_directory

NODE_MODULES = Path(__file__).resolve().parent.parent / "node_modules"
PACKAGES = {"bootstrap": NODE_MODULES / "bootstrap" / "dist", "echarts": NODE_MODULES / "echarts" / "dist",
            "bpmn-js": NODE_MODULES / "bpmn-js" / "dist", "redoc": NODE_MODULES / "redoc" / "bundles"}

bp = Blueprint("assets", __name__)


@bp.route("/vendor/<package>/<path:filename>")
def vendor(package: str, filename: str):
    folder = PACKAGES.get(package)
    if folder is None:
        abort(404)
    return send_from_directory(folder, filename, max_age=86400)
