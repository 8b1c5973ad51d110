"""Real gunicorn with deploy/gunicorn.conf.py, and a small browser for it (cookies, CSRF, multipart uploads).
Used by tests/deploy and bench/soak.py."""

from __future__ import annotations

import http.client
import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
CONF = ROOT / "deploy" / "gunicorn.conf.py"
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
BOOTED = re.compile(r"Booting worker with pid: (\d+)")
# What gunicorn's master logs when it reaps a worker that did not exit cleanly (a stop signal is no death:
# see STOP_SIGNALS in deploy/gunicorn.conf.py).
DEATH = re.compile(r"Worker \(pid:\d+\) (was sent (?!SIGTERM|SIGQUIT|SIGINT)\w+|exited with code \d+)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Gunicorn:
    """`gunicorn -c deploy/gunicorn.conf.py` on a free port, its error log and worker-exit file in `workdir`.
    `config=False` runs the bare `gunicorn -w N 'webapp:create_app()'` instead; `root` serves another checkout."""

    def __init__(self, database_url: str, workdir: Path, workers: int = 2, nice: int = 0, env: dict | None = None,
                 python: str = sys.executable, config: bool = True, root: Path = ROOT):
        self.port, self.workdir = free_port(), Path(workdir)
        self.errorlog, self.exit_log = self.workdir / "gunicorn.log", self.workdir / "worker-exits.jsonl"
        self.env = {**os.environ, "DATABASE_URL": database_url, "GUNICORN_BIND": f"127.0.0.1:{self.port}",
                    "GUNICORN_WORKERS": str(workers), "GUNICORN_ERRORLOG": str(self.errorlog),
                    "WORKER_EXIT_LOG": str(self.exit_log), "UPLOAD_FOLDER": str(self.workdir / "uploads"),
                    **(env or {})}
        self.workers, self.nice, self.python, self.proc = workers, nice, python, None
        self.config, self.root = config, Path(root)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60) -> Gunicorn:
        how = ["-c", str(CONF)] if self.config else ["-w", str(self.workers), "webapp:create_app()"]
        cmd = [self.python, "-m", "gunicorn", *how, "-b", f"127.0.0.1:{self.port}", "--error-logfile",
               str(self.errorlog)]
        with (self.workdir / "stderr.log").open("ab") as out:  # the bare command's faulthandler reports land here
            self.proc = subprocess.Popen(cmd, cwd=self.root, env=self.env, stdout=out, stderr=out,
                                         preexec_fn=(lambda: os.nice(self.nice)) if self.nice else None)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.proc.returncode}:\n{self.log()[-3000:]}")
            if len(self.worker_pids()) == self.workers and self._answers():
                return self
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not start in {timeout}s:\n{self.log()[-3000:]}")

    def _answers(self) -> bool:
        try:
            urllib.request.urlopen(self.url + "/login", timeout=5).close()
            return True
        except (urllib.error.URLError, OSError):
            return False

    def worker_pids(self) -> list[int]:
        """The master's live children (its workers)."""
        try:
            text = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text()
        except OSError:
            return []
        return [int(p) for p in text.split()]

    def log(self) -> str:
        return self.errorlog.read_text(encoding="utf-8", errors="replace") if self.errorlog.exists() else ""

    def deaths(self) -> list[str]:
        return DEATH.findall(self.log())

    def booted(self) -> int:
        return len(BOOTED.findall(self.log()))

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class Browser:
    """One user's cookie jar against a live server: get, post forms with the page's CSRF token, upload."""

    def __init__(self, base: str, observe=None):
        """`observe(status, path)`, when given, is called after every request (statuses, counts)."""
        self.base, self.observe = base, observe
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def request(self, path: str, data: bytes | None = None, headers: dict | None = None) -> tuple[int, str]:
        """(status, body); status 0 when the connection broke (what a user sees when a worker dies)."""
        status, body = self._send(urllib.request.Request(self.base + path, data=data, headers=headers or {}))
        if self.observe:
            self.observe(status, path)
        return status, body

    def _send(self, req: urllib.request.Request) -> tuple[int, str]:
        try:
            with self.opener.open(req, timeout=120) as response:
                return response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8", "replace")
        except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
            return 0, repr(exc)

    def get(self, path: str) -> tuple[int, str]:
        return self.request(path)

    def token(self, page: str) -> str | None:
        status, html = self.get(page)
        match = TOKEN.search(html)
        return match.group(1) if status == 200 and match else None

    def post(self, page: str, action: str, fields: dict, files: dict | None = None) -> tuple[int, str]:
        """Post `fields` (and `files`: name -> (filename, bytes)) to `action` with the CSRF token of `page`."""
        fields = {"csrf_token": self.token(page) or "", **fields}
        if not files:
            return self.request(action, urllib.parse.urlencode(fields, doseq=True).encode())
        boundary = uuid.uuid4().hex
        parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
                 for k, v in fields.items()]
        for name, (filename, content) in files.items():
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                         f"Content-Type: application/octet-stream\r\n\r\n".encode() + content + b"\r\n")
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        return self.request(action, body, {"Content-Type": f"multipart/form-data; boundary={boundary}"})

    def login(self, username: str, password: str) -> bool:
        status, html = self.post("/login", "/login", {"username": username, "password": password})
        return status == 200 and "用户名或密码错误" not in html and 'name="password"' not in html
