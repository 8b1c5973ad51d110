"""`flask tick` runs one sweep; `flask scheduler` schedules it every interval and sweeps once at start."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from models.notifications import Notification
from models.petitions import CallbackPlan
from tests.factories import make_item, open_work
from workflows.petitions import months


def test_tick_command_sends_due_alerts(app, db, org):
    item = make_item(db, org, now=datetime.now(UTC) - timedelta(days=30), received_at=None)
    work = open_work(db, item)[0]
    assert work.next_alert_at is not None
    db.commit()
    result = app.test_cli_runner().invoke(args=["tick"])
    assert result.exit_code == 0, result.output
    assert "预警/提醒" in result.output and "失败 0" in result.output
    assert db.scalar(select(func.count()).select_from(Notification).where(Notification.kind == "overdue")) >= 1
    month = months.of(datetime.now(UTC))
    plans = db.scalars(select(CallbackPlan.squad_id).where(CallbackPlan.month == month)).all()
    assert sorted(plans) == sorted([org.squad_a.id, org.squad_b.id]), "the month's callback plans are proposed"
    again = app.test_cli_runner().invoke(args=["tick"])
    assert "回访计划 0" in again.output
    assert db.scalar(select(func.count()).select_from(CallbackPlan).where(CallbackPlan.month == month)) == 2


def test_scheduler_command_catches_up_at_start(app, monkeypatch):
    from apscheduler.schedulers.blocking import BlockingScheduler

    seen = {}

    def fake_start(self):
        job = self.get_jobs()[0] if self.get_jobs() else None
        seen["pending"] = self._pending_jobs[:] if hasattr(self, "_pending_jobs") else []
        seen["job"] = job

    monkeypatch.setattr(BlockingScheduler, "start", fake_start)
    result = app.test_cli_runner().invoke(args=["scheduler"])
    assert result.exit_code == 0, result.output
    assert "定时任务已启动" in result.output
    job = seen["pending"][0][0]
    assert job.trigger.interval == timedelta(seconds=app.config["SCHEDULER_INTERVAL_SECONDS"])
    assert job.next_run_time is not None and job.next_run_time <= datetime.now(UTC), "first sweep right away"
    assert job.misfire_grace_time is None and job.coalesce and job.max_instances == 1
