"""The scheduler's heartbeat: written after every sweep, read by /readyz, the admin page and /metrics.

A heartbeat older than two intervals means the scheduler is down: every warning, overdue alert and escalation
has stopped. `alert_if_stale` then notifies the system administrators once per outage (the outage is named by
the last beat it follows, so the notification key is unique per outage)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.engine import ProcessInstance, WorkItem
from models.notifications import Notification
from models.ops import SchedulerHeartbeat
from models.org import Role
from workflows import families, notifications

NAME = "scheduler"


def beat(session: Session, *, now: datetime, host: str, pid: int, interval: int, started_at: datetime,
         sweep_started_at: datetime | None = None, sweep_seconds: float | None = None, result: str = "") -> None:
    """Upsert the heartbeat row (the caller commits)."""
    row = session.get(SchedulerHeartbeat, NAME)
    if row is None:
        row = SchedulerHeartbeat(name=NAME, started_at=started_at)
        session.add(row)
    row.host, row.pid, row.interval_seconds, row.started_at, row.beat_at = host[:200], pid, interval, started_at, now
    if sweep_started_at is not None:
        row.sweep_started_at, row.sweep_seconds, row.last_result = sweep_started_at, sweep_seconds, result
    session.flush()


@dataclass(frozen=True)
class Backlog:
    timers: int
    alerts: int
    emails: int
    oldest_due_at: datetime | None

    @property
    def total(self) -> int:
        return self.timers + self.alerts + self.emails


def _oldest(*values: datetime | None) -> datetime | None:
    present = [v for v in values if v is not None]
    return min(present) if present else None


def backlog(session: Session, now: datetime) -> Backlog:
    """Due work the scheduler has not done yet: fired timers, ladder alerts, pending e-mail."""
    timers, oldest_timer = session.execute(select(func.count(), func.min(ProcessInstance.next_timer_at))
                                           .where(ProcessInstance.next_timer_at <= now)).one()
    alerts, oldest_alert = session.execute(select(func.count(), func.min(WorkItem.next_alert_at))
                                           .where(WorkItem.next_alert_at <= now)).one()
    oldest = [oldest_timer, oldest_alert]
    for fam in families.all_families():
        count, first = session.execute(select(func.count(), func.min(fam.model.next_alert_at))
                                       .where(fam.model.next_alert_at <= now)).one()
        alerts += count
        oldest.append(first)
    emails = session.scalar(select(func.count()).select_from(Notification)
                            .where(Notification.email_status.in_(("pending", "sending")))) or 0
    return Backlog(timers=timers, alerts=alerts, emails=emails, oldest_due_at=_oldest(*oldest))


@dataclass(frozen=True)
class State:
    row: SchedulerHeartbeat | None
    age_seconds: float | None
    stale: bool

    @property
    def reason(self) -> str:
        if self.row is None:
            return "定时任务从未运行（无心跳记录）"
        return f"定时任务心跳已 {int(self.age_seconds)} 秒未更新（超过两个扫描周期）" if self.stale else ""


def state(session: Session, now: datetime) -> State:
    row = session.get(SchedulerHeartbeat, NAME)
    if row is None:
        return State(None, None, True)
    age = max(0.0, (now - row.beat_at).total_seconds())
    return State(row, age, age > 2 * max(1, row.interval_seconds))


def alert_if_stale(session: Session, now: datetime) -> int:
    """Notify every active system administrator once per outage; returns notifications added."""
    current = state(session, now)
    if not current.stale:
        return 0
    since = current.row.beat_at.isoformat() if current.row else "never"
    admins = notifications.role_users(session, (Role.SYSTEM_ADMIN,))
    return notifications.notify(
        session, key=f"scheduler-stale:{since}", user_ids=admins, kind="system", level="danger", now=now,
        title="定时任务已停止：预警、超期提醒和升级暂停",
        body=f"{current.reason}。请检查 duban-scheduler 服务（systemctl status duban-scheduler）。")
