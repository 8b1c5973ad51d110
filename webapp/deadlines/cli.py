"""`flask scheduler` (the one process that ticks, APScheduler) and `flask tick` (one sweep)."""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import time
from datetime import UTC, datetime

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.exc import IntegrityError

log = logging.getLogger("duban.scheduler")


def _monthly_callback_plans(database, now: datetime) -> int:
    """The start-of-month job, caught up on any tick of the month: plans for squads that have none.

    (month, squad) is unique, so a second scheduler that races this one gets nothing twice."""
    from webapp.petitions.common import limits
    from workflows.petitions import callbacks, months

    with database.new_session() as session:
        try:
            plans = callbacks.propose_month(session, actor=None, now=now, month=months.of(now),
                                            sample_percent=limits().sample_percent)
            session.commit()
        except IntegrityError:
            session.rollback()
            return 0
    return len(plans)


def _seal_audit(app, database, now: datetime) -> None:
    """A seal of the audit trail, to the database and the append-only file, every AUDIT_SEAL_MINUTES."""
    from datetime import timedelta

    from workflows import audit_seals

    with database.new_session() as session:
        audit_seals.seal(session, now, path=app.config["AUDIT_SEAL_FILE"] or None,
                         interval=timedelta(minutes=app.config["AUDIT_SEAL_MINUTES"]))
        session.commit()


STARTED_AT = datetime.now(UTC)


def _beat(app, **sweep) -> None:
    """The heartbeat /readyz and the admin page read (a failed write is logged; the next sweep writes again)."""
    from workflows import heartbeat

    try:
        with app.extensions["duban.db"].new_session() as session:
            heartbeat.beat(session, now=datetime.now(UTC), host=socket.gethostname(), pid=os.getpid(),
                           interval=int(app.config["SCHEDULER_INTERVAL_SECONDS"]), started_at=STARTED_AT, **sweep)
            session.commit()
    except Exception:  # noqa: BLE001 - the sweep itself must go on
        log.exception("scheduler heartbeat not written")


def _sweep(app) -> str:
    from webapp import metrics
    from webapp.notifications.mail import smtp_mailer
    from webapp.webhook_http import post
    from workflows import scheduler

    now = datetime.now(UTC)
    started = time.perf_counter()
    with app.app_context():
        database = app.extensions["duban.db"]
        result = scheduler.tick(database.new_session, now, mailer=smtp_mailer(app.config), poster=post)
        plans = _monthly_callback_plans(database, now)
        _seal_audit(app, database, now)
        seconds = time.perf_counter() - started
        metrics.SWEEP_SECONDS.observe(seconds)
        summary = f"{result}，回访计划 {plans}"
        _beat(app, sweep_started_at=now, sweep_seconds=seconds, result=summary)
    log.info("tick: %s; 回访计划 %s", result, plans)
    return summary


@click.command("tick")
@with_appcontext
def tick_command() -> None:
    """Run one scheduler sweep now (timers, warnings, overdue alerts, escalations, e-mail)."""
    click.echo(_sweep(current_app._get_current_object()))


@click.command("scheduler")
@with_appcontext
def scheduler_command() -> None:
    """Run the scheduler: one sweep at start (catching up after downtime), then every interval."""
    from apscheduler.schedulers.blocking import BlockingScheduler

    app = current_app._get_current_object()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    interval = int(app.config["SCHEDULER_INTERVAL_SECONDS"])
    with app.app_context():
        _beat(app)  # alive from the first second, before the first sweep finishes
    sched = BlockingScheduler(timezone=UTC)
    sched.add_job(_sweep, "interval", args=[app], seconds=interval, next_run_time=datetime.now(UTC),
                  coalesce=True, max_instances=1, misfire_grace_time=None, id="duban-tick")
    from webapp.ops.commands import scheduled_backup

    sched.add_job(scheduled_backup, "cron", args=[app], hour=int(app.config["BACKUP_HOUR"]), minute=0,
                  timezone="Asia/Shanghai", coalesce=True, max_instances=1, misfire_grace_time=3600,
                  id="duban-backup")
    click.echo(f"定时任务已启动：每 {interval} 秒扫描一次（启动时立即补扫）")
    with contextlib.suppress(KeyboardInterrupt, SystemExit):
        sched.start()
