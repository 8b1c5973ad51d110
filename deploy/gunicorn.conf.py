"""The one gunicorn configuration for every deployment, benchmark and test:

    gunicorn -c deploy/gunicorn.conf.py            # serves 'webapp:create_app()'

Every setting can be changed from the environment (see the names below) or the command line.
Crashes are made visible: `faulthandler` is on in every worker (a segfault prints the Python stack of every
thread to the error log), a timed-out worker dumps its stack before it is killed, and every abnormal worker
exit (killed by a signal other than the stop signals, or a nonzero exit code) is logged and appended as one
JSON line to WORKER_EXIT_LOG (config.py), which the system administrator's page 运行故障 reads
(webapp/admin/worker_exits.py).
"""

from __future__ import annotations

import faulthandler
import json
import os
import signal
import sys
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from config import Config  # noqa: E402  (stdlib only: nothing of the app is loaded into the master)

wsgi_app = "webapp:create_app()"
chdir = str(ROOT)
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS") or os.environ.get("WEB_CONCURRENCY") or 2)
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))  # a request that holds a worker longer is aborted
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", 30))
keepalive = 5
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 5000))  # recycle workers now and then ...
max_requests_jitter = max_requests // 10  # ... not all at once
errorlog = os.environ.get("GUNICORN_ERRORLOG", "-")
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
capture_output = True  # with a file errorlog, the workers' stderr (and so faulthandler's report) goes there too
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # heartbeat file off the disk

EXIT_LOG = Path(Config.WORKER_EXIT_LOG)
_statuses: dict[int, int] = {}  # pid -> wait status, seen by the master when it reaps a worker


def on_starting(server):
    """Keep each reaped worker's wait status: gunicorn's child_exit hook is called without it."""
    wait = os.waitpid

    def waitpid(pid, options):
        found, status = wait(pid, options)
        if found:
            _statuses[found] = status
        return found, status

    waitpid.__wrapped__ = wait
    os.waitpid = waitpid


def post_fork(server, worker):
    faulthandler.enable(file=sys.stderr, all_threads=True)
    os.waitpid = getattr(os.waitpid, "__wrapped__", os.waitpid)


def worker_abort(worker):
    """A worker past its timeout gets SIGABRT: show where it was stuck before it exits."""
    worker.log.critical("Worker (pid:%s) aborted after the %ss timeout; its stack follows", worker.pid,
                        worker.cfg.timeout)
    faulthandler.dump_traceback(file=sys.stderr, all_threads=True)


# The signals that stop workers on purpose (gunicorn's master, systemd, Ctrl-C). A worker already shutting down
# can die of the master's second SIGTERM; gunicorn logs that as an error (benoitc/gunicorn#3050): not a crash.
STOP_SIGNALS = {signal.SIGTERM, signal.SIGQUIT, signal.SIGINT}


def describe(status: int) -> tuple[str | None, int | None]:
    """(signal name, exit code) of an abnormal wait status; (None, None) for a clean exit or a stop signal."""
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        if number in STOP_SIGNALS:
            return None, None
        try:
            return signal.Signals(number).name, None
        except ValueError:
            return f"signal {number}", None
    code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else status
    return (None, code) if code else (None, None)


def record(pid: int, status: int, now: datetime, timed_out: bool = False) -> dict | None:
    """Append an abnormal exit to EXIT_LOG; None when the exit was clean."""
    sig, code = describe(status)
    if sig is None and code is None:
        return None
    entry = {"at": now.isoformat(), "pid": pid, "signal": sig, "code": code, "timeout": timed_out,
             "host": os.uname().nodename}
    EXIT_LOG.parent.mkdir(parents=True, exist_ok=True)
    with EXIT_LOG.open("a", encoding="utf-8") as out:
        out.write(json.dumps(entry) + "\n")
    return entry


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):  # prometheus-client's multiprocess mode (webapp/metrics)
        try:
            from prometheus_client import multiprocess
        except ImportError:
            pass
        else:
            multiprocess.mark_process_dead(worker.pid)
    status = _statuses.pop(worker.pid, None)
    if status is None:
        return
    try:
        entry = record(worker.pid, status, datetime.now(UTC), bool(worker.aborted))
    except OSError as exc:
        server.log.error("Worker (pid:%s) exit status %s could not be recorded in %s: %s", worker.pid, status,
                         EXIT_LOG, exc)
        return
    if entry:
        server.log.error("Abnormal worker exit (pid:%s, signal %s, code %s) recorded in %s", worker.pid,
                         entry["signal"], entry["code"], EXIT_LOG)
