"""One sweep of the scheduler (the `flask scheduler` process calls it every interval; `flask tick` once).

(1) instances whose next timer is due: fire their timers and rebuild their open work;
(2) ladder alerts due on open steps (work_item.next_alert_at) and on subjects (their next_alert_at);
(3) provisional deadlines recomputed when the calendar became known; (4) pending e-mail.
Each row is claimed under its own lock (PostgreSQL: FOR UPDATE SKIP LOCKED; SQLite: one writer) and
committed on its own; a failing row is logged, counted and retried next tick, and after three failures
it becomes an incident that admins see (and that the sweep skips until an admin retries it).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from models.deadlines import SchedulerFailure
from models.engine import ProcessInstance, WorkItem
from workflows import engine, families, notifications, retry, webhooks
from workflows.deadlines import ladder
from workflows.deadlines.recompute import recompute_provisional
from workflows.inspections import rounds as inspection_rounds
from workflows.tasks import lifecycle, notes

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 3
BATCH = 500


@dataclass
class TickResult:
    timers: int = 0
    alerts: int = 0
    recomputed: int = 0
    emails: int = 0
    rounds: int = 0
    webhooks: int = 0
    failures: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return (f"计时器 {self.timers}，预警/提醒 {self.alerts}，重算期限 {self.recomputed}，邮件 {self.emails}，"
                f"开启检查 {self.rounds}，回调 {self.webhooks}，失败 {len(self.failures)}")


def _fire_instance(session: Session, instance_id: int, now: datetime) -> bool:
    owner = session.execute(select(ProcessInstance.family, ProcessInstance.subject_id)
                            .where(ProcessInstance.id == instance_id)).first()
    if owner is None or families.lock(session, owner.family, owner.subject_id, skip_locked=True) is None:
        return False  # the subject is being changed right now: its timers fire at the next tick
    instance = session.execute(
        select(ProcessInstance).where(ProcessInstance.id == instance_id, ProcessInstance.next_timer_at <= now)
        .with_for_update(skip_locked=True).execution_options(populate_existing=True)).scalar()
    if instance is None:
        return False
    fam = families.get(instance.family)
    snapshot = engine.fire_timers(session, instance.id, now)
    lifecycle.after_advance(session, fam, session.get(fam.model, instance.subject_id), instance, snapshot, now)
    return True


def _record_failure(new_session: Callable[[], Session], key: str, error: str, now: datetime) -> None:
    with new_session() as session:
        row = session.scalar(select(SchedulerFailure).where(SchedulerFailure.key == key).with_for_update())
        if row is None:
            row = SchedulerFailure(key=key, attempts=0, first_at=now)
            session.add(row)
        if row.resolved_at is not None:  # the same row fails again later: a new episode
            row.attempts, row.first_at, row.resolved_at, row.resolution = 0, now, None, ""
        row.attempts += 1
        row.last_error, row.last_at = error[:4000], now
        row.incident = row.attempts >= MAX_ATTEMPTS
        session.commit()


def _resolve(session: Session, key: str, now: datetime, why: str) -> None:
    session.execute(update(SchedulerFailure).where(SchedulerFailure.key == key,
                                                   SchedulerFailure.resolved_at.is_(None))
                    .values(resolved_at=now, resolution=why, incident=False))


def _run_one(new_session, key: str, job: Callable[[Session], bool], now: datetime, known: set[str],
             result: TickResult) -> bool:
    """Run one claimed row in its own transaction; on error roll back, count the failure, carry on."""
    try:
        with new_session() as session:
            done = retry.run(lambda: job(session), session.rollback)
            if key in known:
                _resolve(session, key, now, "重试成功")
            session.commit()
            return done
    except Exception as exc:  # noqa: BLE001 - one failing row must never stop the sweep
        log.exception("scheduler: %s failed", key)
        result.failures.append(key)
        _record_failure(new_session, key, f"{type(exc).__name__}: {exc}", now)
        return False


def _due_ids(new_session, query) -> list:
    with new_session() as session:
        return list(session.execute(query).all())


def _failure_keys(new_session) -> tuple[set[str], set[str]]:
    with new_session() as session:
        rows = session.execute(select(SchedulerFailure.key, SchedulerFailure.incident)
                               .where(SchedulerFailure.resolved_at.is_(None))).all()
    return {k for k, _ in rows}, {k for k, incident in rows if incident}


def _still_due(session: Session, key: str, now: datetime) -> bool:
    """Is what the failure was about still there and still due? Unknown kinds of key count as due."""
    kind, _, rest = key.partition(":")
    if kind == "timer":
        return bool(session.scalar(select(ProcessInstance.id).where(
            ProcessInstance.id == int(rest), ProcessInstance.next_timer_at <= now)))
    if kind == "work":
        return bool(session.scalar(select(WorkItem.id).where(WorkItem.id == int(rest), WorkItem.next_alert_at <= now)))
    if kind == "item":
        family, _, subject_id = rest.partition(":")
        fam = families.find(family)
        return fam is not None and bool(session.scalar(select(fam.model.id).where(
            fam.model.id == int(subject_id), fam.model.next_alert_at <= now)))
    return True


def resolve_stale(session: Session, now: datetime) -> int:
    """Mark failures whose row is gone or no longer due as resolved; returns how many."""
    keys = session.scalars(select(SchedulerFailure.key).where(SchedulerFailure.resolved_at.is_(None))).all()
    stale = [k for k in keys if not _still_due(session, k, now)]
    for key in stale:
        _resolve(session, key, now, "已失效：对象已办结或不再到期")
    return len(stale)


def _sweep(new_session, query, key_of: Callable, job_of: Callable, now, known, incidents, result) -> int:
    done = 0
    for (row_id,) in _due_ids(new_session, query):
        key = key_of(row_id)
        if key not in incidents:
            done += _run_one(new_session, key, job_of(row_id), now, known, result)
    return done


def tick(new_session: Callable[[], Session], now: datetime, *, mailer: notifications.Mailer | None = None,
         batch: int = BATCH, poster: webhooks.Poster | None = None) -> TickResult:
    result = TickResult()
    with new_session() as session:
        resolve_stale(session, now)
        session.commit()
    known, incidents = _failure_keys(new_session)
    args = (now, known, incidents, result)
    result.timers = _sweep(
        new_session, select(ProcessInstance.id).where(ProcessInstance.next_timer_at <= now)
        .order_by(ProcessInstance.next_timer_at).limit(batch),
        lambda i: f"timer:{i}", lambda i: (lambda s: _fire_instance(s, i, now)), *args)
    result.alerts = _sweep(
        new_session, select(WorkItem.id).where(WorkItem.next_alert_at <= now)
        .order_by(WorkItem.next_alert_at).limit(batch),
        lambda i: f"work:{i}", lambda i: (lambda s: ladder.process_work(s, i, now)), *args)
    for fam in families.all_families():
        model = fam.model
        result.alerts += _sweep(
            new_session, select(model.id).where(model.next_alert_at <= now).order_by(model.next_alert_at).limit(batch),
            lambda i, f=fam.name: f"item:{f}:{i}",
            lambda i, f=fam.name: (lambda s: ladder.process_subject(s, f, i, now)), *args)
    _run_one(new_session, "follow-ups", lambda s: notes.remind_due(s, now) >= 0, now, known, result)
    _open_rounds(new_session, now, result, known)
    _recompute(new_session, now, result, known)
    if mailer is not None:
        result.emails = notifications.send_pending_email(new_session, mailer, now)
    if poster is not None:
        result.webhooks = webhooks.deliver_due(new_session, poster, now)
    return result


def _open_rounds(new_session, now: datetime, result: TickResult, known: set[str]) -> None:
    """The annual task list's rounds of the current periods, each opened exactly once (workflows.inspections)."""
    def job(session: Session) -> bool:
        result.rounds = inspection_rounds.open_due(session, now)
        return True

    _run_one(new_session, "inspection-rounds", job, now, known, result)


def _recompute(new_session, now: datetime, result: TickResult, known: set[str]) -> None:
    def job(session: Session) -> bool:
        result.recomputed = recompute_provisional(session, now)
        return True

    _run_one(new_session, "recompute", job, now, known, result)


def incidents(session: Session, limit: int = 200) -> list[SchedulerFailure]:
    """Open failures first (incidents, then retrying), then the most recently resolved ones."""
    return list(session.scalars(select(SchedulerFailure).order_by(
        SchedulerFailure.resolved_at.is_not(None), SchedulerFailure.incident.desc(),
        SchedulerFailure.last_at.desc(), SchedulerFailure.id.desc()).limit(limit)))


def retry_incident(session: Session, failure_id: int) -> bool:
    """An admin clears an incident: the row is tried again at the next tick (and resolved when it succeeds)."""
    return bool(session.execute(update(SchedulerFailure).where(
        SchedulerFailure.id == failure_id, SchedulerFailure.resolved_at.is_(None))
        .values(incident=False, attempts=0)).rowcount)
