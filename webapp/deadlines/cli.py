"""`flask scheduler` (the one process that ticks, APScheduler) and `flask tick` (one sweep)."""

from __future__ import annotations

import contextlib
import logging
from datetime import UTC, datetime

import click
from flask import current_app
from flask.cli import with_appcontext

log = logging.getLogger("duban.scheduler")


def _sweep(app) -> str:
    from webapp.notifications.mail import smtp_mailer
    from workflows import scheduler

    with app.app_context():
        database = app.extensions["duban.db"]
        result = scheduler.tick(database.new_session, datetime.now(UTC), mailer=smtp_mailer(app.config))
    log.info("tick: %s", result)
    return str(result)


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
    sched = BlockingScheduler(timezone=UTC)
    sched.add_job(_sweep, "interval", args=[app], seconds=interval, next_run_time=datetime.now(UTC),
                  coalesce=True, max_instances=1, misfire_grace_time=None, id="duban-tick")
    click.echo(f"定时任务已启动：每 {interval} 秒扫描一次（启动时立即补扫）")
    with contextlib.suppress(KeyboardInterrupt, SystemExit):
        sched.start()
