"""`flask scheduler` (the one process that ticks, APScheduler) and `flask tick` (one sweep)."""

from __future__ import annotations

import contextlib
import logging
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


def _sweep(app) -> str:
    from webapp.notifications.mail import smtp_mailer
    from workflows import scheduler

    now = datetime.now(UTC)
    with app.app_context():
        database = app.extensions["duban.db"]
        result = scheduler.tick(database.new_session, now, mailer=smtp_mailer(app.config))
        plans = _monthly_callback_plans(database, now)
        _seal_audit(app, database, now)
    log.info("tick: %s; 回访计划 %s", result, plans)
    return f"{result}，回访计划 {plans}"


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
