"""Duban's own database figures for /metrics (computed at each scrape; see webapp.metrics.db_series)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from webapp import metrics
from workflows import figures, heartbeat


@metrics.db_series
def steps(session: Session, now: datetime):
    opened, overdue = figures.open_steps(session, now)
    yield metrics.gauge("duban_steps_open", "Open steps by family and colour level", labels=("family", "level"),
                        samples=[([f, lv], n) for (f, lv), n in sorted(opened.items())])
    yield metrics.gauge("duban_steps_overdue", "Overdue open steps by family and colour level",
                        labels=("family", "level"), samples=[([f, lv], n) for (f, lv), n in sorted(overdue.items())])


@metrics.db_series
def scheduler(session: Session, now: datetime):
    beat = heartbeat.state(session, now)
    due = heartbeat.backlog(session, now)
    yield metrics.gauge("duban_scheduler_heartbeat_age_seconds", "Seconds since the scheduler's last heartbeat",
                        value=beat.age_seconds if beat.age_seconds is not None else float("inf"))
    yield metrics.gauge("duban_scheduler_up", "1 when the heartbeat is younger than two intervals",
                        value=0 if beat.stale else 1)
    if beat.row is not None and beat.row.sweep_seconds is not None:
        yield metrics.gauge("duban_scheduler_last_sweep_duration_seconds", "Duration of the last sweep",
                            value=beat.row.sweep_seconds)
    lag = (now - due.oldest_due_at).total_seconds() if due.oldest_due_at else 0.0
    yield metrics.gauge("duban_scheduler_lag_seconds", "Age of the oldest due work not yet swept", value=max(0, lag))
    yield metrics.gauge("duban_scheduler_backlog", "Due work not yet swept, by kind", labels=("kind",),
                        samples=[(["timers"], due.timers), (["alerts"], due.alerts)])
    yield metrics.gauge("duban_notification_backlog", "Notifications waiting for delivery, by channel",
                        labels=("channel",), samples=[(["email"], due.emails)])
