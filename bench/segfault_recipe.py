"""Issue 19's recipe, repeated: a fresh `gunicorn -w 2 'webapp:create_app()'` (the bare command the issue used,
or --config for deploy/gunicorn.conf.py), log in as xtk, open / 35 times, then /deadlines/board 35 times; stop.
Prints, per run and in total, the statuses and the worker deaths found in gunicorn's log.

    nice -n 10 .venv/bin/python bench/segfault_recipe.py --url postgresql+psycopg://postgres@127.0.0.1:5432/mydb \\
        [--runs 10] [--python /usr/bin/python3] [--root /path/to/another/checkout] [--config]

The database must already hold 10x the demo (`bench/soak.py` loads or restores it).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.deploy.live import ROOT, Browser, Gunicorn  # noqa: E402


def one_run(args, n: int) -> tuple[Counter, list[str]]:
    workdir = Path(tempfile.mkdtemp(prefix=f"duban-recipe-{n}-"))
    server = Gunicorn(args.url, workdir, workers=2, python=args.python, config=args.config, root=args.root,
                      env={"PYTHONFAULTHANDLER": "1"}).start(timeout=240)
    statuses: Counter = Counter()
    try:
        browser = Browser(server.url)
        assert browser.login("xtk", "duban123"), "cannot log in as xtk"
        for path in ["/"] * 35 + ["/deadlines/board"] * 35:
            status, _ = browser.get(path)
            statuses[(path, status)] += 1
        time.sleep(1)  # let the master reap a worker that died on the last request
        deaths = server.deaths()
    finally:
        server.stop()
    print(f"run {n}: {dict(statuses)} deaths {deaths} log {server.errorlog}", flush=True)
    return statuses, deaths


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True, help="a PostgreSQL database holding 10x the demo")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--python", default=sys.executable, help="interpreter that runs gunicorn")
    parser.add_argument("--root", type=Path, default=ROOT, help="checkout to serve (another commit)")
    parser.add_argument("--config", action="store_true", help="use deploy/gunicorn.conf.py, not the bare command")
    args = parser.parse_args()
    version = subprocess.run([args.python, "-c", "import sys; print(sys.version.split()[0])"], capture_output=True,
                             text=True).stdout.strip()
    commit = subprocess.run(["git", "-C", str(args.root), "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    total, crashed = Counter(), 0
    for n in range(1, args.runs + 1):
        statuses, deaths = one_run(args, n)
        total.update(statuses)
        crashed += bool(deaths)
    print(f"python {version}, commit {commit}, {args.runs} runs, {sum(total.values())} requests, "
          f"runs with a worker death: {crashed}; statuses {dict(total)}")


if __name__ == "__main__":
    main()
