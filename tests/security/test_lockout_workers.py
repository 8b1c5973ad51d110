"""The lockout and the per-address slowdown hold across 2 real gunicorn workers (which also restart after a
few requests), because both counts are in the database."""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.org import User
from tests.concurrency.conftest import committed  # noqa: F401 - the fixture
from tests.conftest import TEST_URL
from tests.factories import PASSWORD, Org

ROOT = Path(__file__).resolve().parents[2]
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _gunicorn(port: int) -> subprocess.Popen:
    conf = ROOT / "deploy" / "gunicorn.conf.py"
    args = [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}",
            "--max-requests", "15", "--max-requests-jitter", "3"]
    if conf.exists():
        args[3:3] = ["-c", str(conf)]
    env = {**os.environ, "DATABASE_URL": TEST_URL, "SECRET_KEY": "k" * 40, "DUBAN_ENV": "development",
           "ADDRESS_FAILURE_LIMIT": "12", "ARGON2_MEMORY_KIB": "8192"}
    proc = subprocess.Popen([*args, "webapp:create_app()"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    for _ in range(300):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2)
            return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise AssertionError(proc.stderr.read().decode()[-2000:])


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _login(base: str, username: str, password: str) -> tuple[int, str]:
    """A fresh browser each time (new cookies, new connection): any worker may answer either request."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect)
    page = opener.open(f"{base}/login", timeout=120).read().decode()
    data = urllib.parse.urlencode({"username": username, "password": password,
                                   "csrf_token": TOKEN.search(page).group(1)}).encode()
    try:
        resp = opener.open(f"{base}/login", data=data, timeout=120)
        return resp.status, resp.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def test_lockout_and_slowdown_hold_across_two_gunicorn_workers(committed):  # noqa: F811
    with Session(committed, expire_on_commit=False) as db:
        org = Org(db)
        db.commit()
        username, other = org.a_member.username, org.b_member.username
    port = _free_port()
    proc = _gunicorn(port)
    base = f"http://127.0.0.1:{port}"
    try:
        wrong = [_login(base, username, "wrong-password")[0] for _ in range(6)]
        locked = _login(base, username, PASSWORD)
        fine = _login(base, other, PASSWORD)
        slowed = [_login(base, "ghost", "x")[0] for _ in range(6)]
        after = _login(base, other, PASSWORD)
    finally:
        proc.terminate()
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(30)
    assert wrong == [200] * 6
    assert locked[0] == 200 and "暂时锁定" in locked[1]  # the right password, still refused
    assert fine[0] == 302  # another account is unaffected
    assert slowed[-1] == 429 and after[0] == 429  # 12 failures from 127.0.0.1: that address waits
    with Session(committed) as db:
        user = db.scalar(select(User).where(User.username == username))
        assert user.locked_until is not None and user.failed_logins >= 5
