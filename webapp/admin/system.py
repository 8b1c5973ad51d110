"""系统状态与备份: the scheduler's state (last heartbeat, last sweep, lag, backlog of due work) and the backups."""

from __future__ import annotations

from flask import render_template

from webapp.admin.common import _now, bp
from webapp.db import session
from workflows import heartbeat


@bp.route("/system")
def system():
    db = session()
    now = _now()
    beat = heartbeat.state(db, now)
    if beat.stale and heartbeat.alert_if_stale(db, now):
        db.commit()
    due = heartbeat.backlog(db, now)
    lag = (now - due.oldest_due_at).total_seconds() if due.oldest_due_at else 0
    return render_template("admin/system.html", beat=beat, due=due, lag=lag, now=now, **_backups())


def _backups() -> dict:
    from flask import current_app

    from webapp.ops import retention

    cfg = current_app.config
    now = _now()
    rows = [{"name": p.name, "size_mb": p.stat().st_size / 1024 / 1024, "at": t,
             "age_hours": (now - t).total_seconds() / 3600} for p, t in retention.listing(cfg["BACKUP_FOLDER"])]
    warn = not rows or rows[0]["age_hours"] > cfg["BACKUP_WARN_HOURS"]
    return {"backups": rows, "backup_warning": warn, "backup_folder": cfg["BACKUP_FOLDER"],
            "backup_warn_hours": cfg["BACKUP_WARN_HOURS"], "backup_hour": cfg["BACKUP_HOUR"]}
