"""The API's own description: OpenAPI 3.1 JSON and a readable page (Redoc from npm, served by the app)."""

from __future__ import annotations

from flask import jsonify, render_template

from webapp.api import openapi
from webapp.api.common import bp


@bp.route("/openapi.json")
def openapi_json():
    return jsonify(openapi.document())


@bp.route("/docs")
def docs():
    return render_template("api/docs.html")
