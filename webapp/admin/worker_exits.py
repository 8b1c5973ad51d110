"""运行故障: abnormal web-worker exits (killed by a signal such as SIGSEGV, or a nonzero exit code), read from
the JSON lines that deploy/gunicorn.conf.py appends to WORKER_EXIT_LOG (one line per exit: at, pid, signal,
code, timeout, host). Each host keeps its own file. `summary()` is also what a metrics exporter should read."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app, render_template

from webapp.admin.common import _now, bp

SHOWN = 200


def read(path: Path) -> list[dict]:
    """Every recorded exit, oldest first; a damaged line is skipped, a missing file means none."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    exits = []
    for line in lines:
        try:
            entry = json.loads(line)
            entry["at"] = datetime.fromisoformat(entry["at"])
        except (ValueError, KeyError, TypeError):
            continue
        exits.append(entry)
    return exits


def summary(path: Path, now: datetime) -> dict:
    exits = read(path)
    kinds: dict[str, int] = {}
    for e in exits:
        kind = "超时" if e.get("timeout") else (e.get("signal") or f"退出码 {e.get('code')}")
        kinds[kind] = kinds.get(kind, 0) + 1
    return {"total": len(exits), "last_day": sum(1 for e in exits if e["at"] > now - timedelta(days=1)),
            "kinds": sorted(kinds.items(), key=lambda kv: -kv[1]), "recent": exits[::-1][:SHOWN]}


def log_path() -> Path:
    return Path(current_app.config["WORKER_EXIT_LOG"])


@bp.route("/worker-exits")
def worker_exits():
    return render_template("admin/worker_exits.html", path=log_path(), **summary(log_path(), _now()))
