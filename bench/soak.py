"""Soak benchmark (issue 19): 10x the demo bureau on PostgreSQL, 2 gunicorn workers started with
deploy/gunicorn.conf.py, several logged-in clients doing mixed work for a fixed number of requests (worklists,
lists, subject pages, the deadline board, the monthly bulletin, steps completed through their CSRF forms with
uploads, comments). Prints requests, errors (5xx and broken connections) and worker deaths read from
gunicorn's log and the worker-exit file.

    nice -n 10 .venv/bin/python bench/soak.py --url postgresql+psycopg://postgres@127.0.0.1:5432/mydb \\
        [--dump /tmp/soak.dump] [--requests 20000] [--clients 6] [--python .venv/bin/python] [--seed 1]

The database is loaded once (`flask load-demo --items 2000 --petitions 1600`, about 7 minutes) and saved with
`pg_dump -Fc` to --dump; later runs restore the dump (seconds), so every run starts from the same data.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.deploy.live import ROOT, Browser, Gunicorn  # noqa: E402
from tests.webapp.html_forms import post_forms  # noqa: E402

PASSWORD = "duban123"
CLIENTS = ["xtk", "leader", "huayang_m1", "xtk2", "jiangsu_leader", "xinhua_m2", "leader2", "tianshan_m1"]
SUBJECT = re.compile(r'href="(/(?:items|petitions|cases|referrals)/\d+)"')
STEP = re.compile(r"/s/[a-z_]+/\d+/steps/[0-9a-f-]+$")
COORDINATION_PAGES = ["/", "/deadlines/board", "/items", "/petitions", "/cases", "/referrals", "/registered",
                      "/done", "/cc", "/bulletins", "/notifications", "/deadlines/extensions", "/petitions/callbacks"]
LEADER_PAGES = ["/", "/deadlines/board", "/deadlines/escalations", "/bulletins", "/items", "/done", "/cases"]
SQUAD_PAGES = ["/", "/done", "/cc", "/notifications", "/items", "/petitions", "/registered"]


def libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def prepare(url: str, dump: Path, items: int, petitions: int) -> str:
    """Restore the dump into a clean schema, or load 10x the demo and write the dump. Returns what was done."""
    subprocess.run(["psql", "-q", libpq(url), "-c", "DROP SCHEMA public CASCADE; CREATE SCHEMA public"], check=True)
    env = {**os.environ, "DATABASE_URL": url}
    flask = [sys.executable, "-m", "flask", "--app", "webapp"]
    if dump.exists():
        subprocess.run(["pg_restore", "--no-owner", "-d", libpq(url), str(dump)], check=True)
        subprocess.run([*flask, "db-upgrade"], cwd=ROOT, env=env, check=True)  # a dump of an older schema
        return f"restored {dump}"
    started = time.monotonic()
    subprocess.run([*flask, "db-upgrade"], cwd=ROOT, env=env, check=True)
    subprocess.run([*flask, "load-demo", "--items", str(items), "--petitions", str(petitions)], cwd=ROOT, env=env,
                   check=True)
    subprocess.run(["pg_dump", "-Fc", "-f", str(dump), libpq(url)], check=True)
    return f"loaded {items} items and {petitions} petitions in {time.monotonic() - started:.0f}s, saved {dump}"


def fill(form, rng: random.Random) -> tuple[dict, dict]:
    """Plausible values for every field of a step form; a small file for every file field."""
    today = datetime.now(UTC) + timedelta(days=8)
    values, files = {}, {}
    for f in form.fields.values():
        if f.kind == "hidden":
            values[f.name] = f.value
        elif f.kind == "file":
            files[f.name] = (f"现场照片{rng.randrange(1000)}.jpg", b"\xff\xd8\xff\xe0soak" + bytes(rng.randrange(256)
                                                                                          for _ in range(2048)))
        elif f.kind in ("select", "radio"):
            options = [o for o in f.options if o] or [""]
            values[f.name] = rng.choice(options)
        elif f.kind == "checkbox":
            values[f.name] = f.options[0] if f.options else "y"
        elif f.kind == "date":
            values[f.name] = today.date().isoformat()
        elif f.kind == "datetime-local":
            values[f.name] = today.strftime("%Y-%m-%dT%H:%M")
        elif f.kind == "number":
            values[f.name] = "1"
        else:
            values[f.name] = "已现场核查，情况属实，已责令整改并拍照留存。"
    values.pop("csrf_token", None)
    return values, files


class Client(threading.Thread):
    """One logged-in user doing a weighted mix of work until the shared budget is spent."""

    def __init__(self, soak: Soak, username: str, seed: int):
        super().__init__(daemon=True)
        self.soak, self.username, self.rng = soak, username, random.Random(seed)
        self.browser, self.subjects = Browser(soak.server.url, soak.observe), []

    def call(self, kind: str, fn, *args) -> tuple[int, str]:
        """One user action (a post includes the GET of its page's CSRF token), timed by kind."""
        started = time.monotonic()
        status, body = fn(*args)
        self.soak.time(kind, time.monotonic() - started)
        return status, body

    def pages(self) -> list[str]:
        if self.username.startswith("xtk"):
            return COORDINATION_PAGES
        return LEADER_PAGES if self.username.startswith("leader") else SQUAD_PAGES

    def view(self, path: str) -> str:
        status, html = self.call("list" if path != "/deadlines/board" else "board", self.browser.get, path)
        found = SUBJECT.findall(html) if status == 200 else []
        if found:
            self.subjects = list(dict.fromkeys(found + self.subjects))[:200]
        return html

    def subject_page(self) -> tuple[str | None, str]:
        if not self.subjects:
            self.view("/")
            if not self.subjects:
                return None, ""
        path = self.rng.choice(self.subjects)
        status, html = self.call("subject", self.browser.get, path)
        return (path, html) if status == 200 else (None, "")

    def step(self) -> None:
        """Open a subject, post one of its open steps' forms (with files where the form takes them)."""
        path, html = self.subject_page()
        if not path:
            return
        forms = [f for f in post_forms(html, path) if STEP.search(f.action.split("?")[0])]
        if not forms:
            self.call("comment", self.comment, path)
            return
        form = self.rng.choice(forms)
        values, files = fill(form, self.rng)
        self.call("step+upload" if files else "step", self.browser.post, path, form.action, values, files or None)

    def comment(self, path: str) -> tuple[int, str]:
        family = {"items": "instructed_item", "petitions": "petition", "cases": "major_case",
                  "referrals": "referral"}[path.split("/")[1]]
        subject_id = path.rsplit("/", 1)[1]
        return self.browser.post(path, f"/s/{family}/{subject_id}/comment", {"text": "请抓紧办理，按期回复。"})

    def run(self) -> None:
        if not self.browser.login(self.username, PASSWORD):
            self.soak.observe(0, f"login {self.username}")
            return
        reader = self.username.startswith(("xtk", "leader"))  # coordinators and bureau leaders
        while self.soak.budget():
            roll = self.rng.random()
            if roll < 0.30:
                self.view(self.rng.choice(self.pages()))
            elif roll < 0.55:
                self.subject_page()
            elif roll < 0.65 and reader:
                self.view("/deadlines/board")
            elif roll < 0.70 and reader:
                month = datetime.now(UTC).strftime("%Y-%m")
                self.call("bulletin", self.browser.get, self.rng.choice(["/bulletins", f"/bulletins/{month}.xlsx"]))
            elif roll < 0.90:
                self.step()
            else:
                path, _ = self.subject_page()
                if path:
                    self.call("comment", self.comment, path)


class Soak:
    def __init__(self, server: Gunicorn, total: int):
        self.server, self.total, self.lock = server, total, threading.Lock()
        self.done, self.statuses, self.errors = 0, Counter(), []
        self.times: dict[str, list[float]] = defaultdict(list)

    def budget(self) -> bool:
        with self.lock:
            return self.done < self.total

    def observe(self, status: int, path: str) -> None:
        """Every HTTP request of every client."""
        with self.lock:
            self.done += 1
            self.statuses[status // 100 * 100 if status else 0] += 1
            if status == 0 or status >= 500:
                self.errors.append((status, path))

    def time(self, kind: str, seconds: float) -> None:
        with self.lock:
            self.times[kind].append(seconds)


def p95(values: list[float]) -> float:
    return sorted(values)[int(len(values) * 0.95)] if values else 0.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True, help="a PostgreSQL database of your own (its schema is replaced)")
    parser.add_argument("--dump", type=Path, default=Path(tempfile.gettempdir()) / "duban-soak-10x.dump")
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--petitions", type=int, default=1600)
    parser.add_argument("--requests", type=int, default=20000)
    parser.add_argument("--clients", type=int, default=6)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--python", default=sys.executable, help="interpreter that runs gunicorn")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    print("database:", prepare(args.url, args.dump, args.items, args.petitions), flush=True)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="duban-soak-"))
    server = Gunicorn(args.url, workdir, workers=args.workers, python=args.python).start(timeout=180)
    version = subprocess.run([args.python, "-c", "import sys; print(sys.version.split()[0])"], capture_output=True,
                             text=True).stdout.strip()
    soak, started = Soak(server, args.requests), time.monotonic()
    clients = [Client(soak, CLIENTS[n % len(CLIENTS)], args.seed * 100 + n) for n in range(args.clients)]
    try:
        for c in clients:
            c.start()
        for c in clients:
            c.join()
        elapsed = time.monotonic() - started
        deaths, exits = server.deaths(), server.exit_log.read_text().splitlines() if server.exit_log.exists() else []
        booted = server.booted()
    finally:
        server.stop()
    print(f"python {version}, {args.workers} gunicorn workers, {args.clients} clients, log {server.errorlog}")
    print(f"requests {soak.done} in {elapsed:.0f}s ({soak.done / elapsed:.1f}/s); by status "
          + ", ".join(f"{k or 'broken'}: {v}" for k, v in sorted(soak.statuses.items())))
    for kind, values in sorted(soak.times.items()):  # user actions (a step or comment is two requests)
        print(f"  {kind:12} {len(values):6}  median {sorted(values)[len(values) // 2] * 1000:6.0f} ms"
              f"  p95 {p95(values) * 1000:6.0f} ms")
    print(f"errors (5xx or broken connection): {len(soak.errors)}", *soak.errors[:20], sep="\n  ")
    print(f"worker deaths in gunicorn's log: {len(deaths)} {deaths}; recorded exits: {len(exits)}; "
          f"workers booted: {booted}")
    sys.exit(1 if deaths or exits or soak.errors else 0)


if __name__ == "__main__":
    main()
