"""/healthz (the process answers), /readyz (ready to serve, or 503 with reasons), /metrics (Prometheus).

None needs a log-in; none shows personal data. /metrics answers a bearer token (METRICS_TOKEN) or, without a
token configured, only direct requests from the management address (loopback by default, never via the proxy).
"""

from __future__ import annotations

import hmac
import logging

from flask import Response, abort, current_app, jsonify, request

from webapp import metrics
from webapp.db import session
from webapp.extensions import csrf
from webapp.ops import health, series  # noqa: F401 - series registers Duban's database figures
from webapp.ops.common import bp
from workflows import heartbeat

log = logging.getLogger("duban.ops")


@bp.route("/healthz")
def healthz():
    return jsonify(status="ok")


@bp.route("/readyz")
def readyz():
    cfg = current_app.config
    report = health.Report()
    db = session()
    now = metrics.now()
    if health.check_database(report, db, now) and not report.checks["scheduler"]["ok"]:
        _alert_stale_scheduler(db, now)
    health.check_folder(report, "uploads", cfg["UPLOAD_FOLDER"], int(cfg["MIN_FREE_DISK_MB"]))
    body = {"status": "ok" if report.ready else "not ready", "checks": report.checks, "reasons": report.reasons}
    return jsonify(body), 200 if report.ready else 503


def _alert_stale_scheduler(db, now) -> None:
    """Once per outage: in-app for every system administrator, and by e-mail when SMTP is configured (the
    scheduler that would normally send it is the one that stopped)."""
    try:
        added = heartbeat.alert_if_stale(db, now)
        db.commit()
    except Exception:  # noqa: BLE001 - readiness must answer even when the alert cannot be written
        db.rollback()
        log.exception("could not record the stale-scheduler alert")
        return
    if added:
        from webapp.notifications.mail import smtp_mailer
        from workflows import notifications

        mailer = smtp_mailer(current_app.config)
        if mailer is not None:
            notifications.send_pending_email(current_app.extensions["duban.db"].new_session, mailer, now)


def _allowed() -> bool:
    token = current_app.config.get("METRICS_TOKEN") or ""
    if token:
        given = request.headers.get("Authorization", "")
        return hmac.compare_digest(given.encode(), f"Bearer {token}".encode())
    direct = "X-Forwarded-For" not in request.headers and "X-Real-IP" not in request.headers
    return direct and request.remote_addr in current_app.config["METRICS_ALLOW_FROM"]


@bp.route("/metrics")
def metrics_view():
    if not _allowed():
        abort(403)
    payload = metrics.exposition(session(), metrics.now())
    return Response(payload, mimetype="text/plain; version=0.0.4; charset=utf-8")


csrf.exempt(bp)
