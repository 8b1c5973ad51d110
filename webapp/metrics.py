"""The Prometheus registry: every series Duban exports lives here, so other modules import and use them.

    from webapp import metrics
    metrics.LOGIN_FAILURES.inc()                      # an event counted in the process where it happens
    @metrics.db_series                                # a figure read from the database at scrape time
    def _webhooks(session, now): yield gauge("duban_webhook_backlog", "...", value=...)

Under gunicorn set PROMETHEUS_MULTIPROC_DIR (an empty folder, wiped before start; deploy/ does it) and every
worker's and the scheduler's counters and histograms are added up at scrape time (prometheus-client's
multiprocess mode). Figures that are facts of the database (open steps, backlog, heartbeat age) are computed
per scrape by `db_series` functions, never kept in a process, so they are right whichever worker answers.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime


def _usable_multiprocess_dir() -> None:
    """A PROMETHEUS_MULTIPROC_DIR that is missing is created; one that cannot be turns multiprocess mode off
    (a CLI command run with the web unit's environment must not crash on import)."""
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder and not os.path.isdir(folder):
        try:
            os.makedirs(folder, exist_ok=True)
        except OSError:
            del os.environ["PROMETHEUS_MULTIPROC_DIR"]


_usable_multiprocess_dir()

# After the folder check above: prometheus-client picks its value class when it is imported.
from flask import Flask, g, request  # noqa: E402
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest, multiprocess  # noqa: E402
from prometheus_client.core import GaugeMetricFamily, Metric  # noqa: E402
from sqlalchemy import event  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

REGISTRY = CollectorRegistry(auto_describe=True)
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)

REQUEST_SECONDS = Histogram("duban_http_request_duration_seconds", "Request latency by endpoint",
                            ["endpoint", "method", "status"], buckets=LATENCY_BUCKETS, registry=REGISTRY)
STEPS_COMPLETED = Counter("duban_steps_completed", "Steps completed (committed), by family and step",
                          ["family", "step"], registry=REGISTRY)
SWEEP_SECONDS = Histogram("duban_scheduler_sweep_duration_seconds", "Duration of one scheduler sweep",
                          buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120), registry=REGISTRY)
LOGIN_FAILURES = Counter("duban_login_failures", "Failed log-ins (wrong user name or password)", registry=REGISTRY)
LOGIN_LOCKOUTS = Counter("duban_login_lockouts", "Accounts locked after repeated failed log-ins", registry=REGISTRY)

DbSeries = Callable[[Session, datetime], Iterable[Metric]]
DB_SERIES: list[DbSeries] = []


def db_series(fn: DbSeries) -> DbSeries:
    """Register a function yielding metric families computed from the database at each scrape."""
    DB_SERIES.append(fn)
    return fn


def gauge(name: str, documentation: str, value: float | None = None, labels: Iterable[str] = (),
          samples: Iterable[tuple[list[str], float]] = ()) -> GaugeMetricFamily:
    family = GaugeMetricFamily(name, documentation, value=value, labels=list(labels) or None)
    for label_values, sample in samples:
        family.add_metric(label_values, sample)
    return family


def multiprocess_dir() -> str | None:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


def exposition(session: Session, now: datetime) -> bytes:
    """The text format: process metrics (all processes in multiprocess mode) plus the database figures."""
    if multiprocess_dir():
        processes = CollectorRegistry()
        multiprocess.MultiProcessCollector(processes)
    else:
        processes = REGISTRY
    figures = CollectorRegistry(auto_describe=False)
    figures.register(_DbCollector(session, now))
    return generate_latest(processes) + generate_latest(figures)


class _DbCollector:
    def __init__(self, session: Session, now: datetime):
        self.session, self.now = session, now

    def collect(self) -> Iterator[Metric]:
        for fn in DB_SERIES:
            yield from fn(self.session, self.now)


# --- counting committed step completions -------------------------------------------------------------------
# A completion writes one audit entry with action "complete" (workflows.steps). The entries flushed in a
# session are remembered and counted only when that session commits, so a rolled-back or retried request
# counts nothing.

PENDING = "duban.metrics.completed"


def _after_flush(session: Session, _context) -> None:
    from models.audit import AuditEntry

    txn = session.get_nested_transaction() or session.get_transaction()
    for obj in session.new:
        if isinstance(obj, AuditEntry) and obj.action in ("complete", "lockout"):
            session.info.setdefault(PENDING, []).append((txn, obj.action, obj.family, obj.step or ""))


def _after_commit(session: Session) -> None:
    for _txn, action, family, step in session.info.pop(PENDING, ()):
        if action == "lockout":  # workflows.login audits every lockout
            LOGIN_LOCKOUTS.inc()
        else:
            STEPS_COMPLETED.labels(family=family, step=step).inc()


def _inside(txn, rolled_back) -> bool:
    while txn is not None:
        if txn is rolled_back:
            return True
        txn = txn.parent
    return False


def _after_rollback(session: Session, rolled_back) -> None:
    """A rolled-back savepoint drops only what was flushed inside it (bulk actions keep their other rows)."""
    pending = session.info.get(PENDING)
    if pending:
        session.info[PENDING] = [p for p in pending if not _inside(p[0], rolled_back)]


def _listen_once() -> None:
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_soft_rollback", _after_rollback)


# --- request latency ---------------------------------------------------------------------------------------

def _start_timer() -> None:
    g.request_started = time.perf_counter()


def _observe(response):
    started = g.pop("request_started", None)
    if started is not None:
        endpoint = request.url_rule.endpoint if request.url_rule else "unmatched"  # unknown paths: one series
        REQUEST_SECONDS.labels(endpoint=endpoint, method=request.method, status=str(response.status_code)) \
            .observe(time.perf_counter() - started)
    return response


def init_app(app: Flask) -> None:
    _listen_once()
    app.before_request(_start_timer)
    app.after_request(_observe)


def now() -> datetime:
    return datetime.now(UTC)
