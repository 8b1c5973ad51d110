"""Log in to a running Duban and open the worklist (stdlib only: runs with the installed venv, no network).

    python deploy/smoke.py http://127.0.0.1:8000 USERNAME PASSWORD
"""

from __future__ import annotations

import http.cookiejar
import json
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request


class LocalPolicy(http.cookiejar.DefaultCookiePolicy):
    """Production cookies are Secure (TLS ends at the reverse proxy); this check talks to gunicorn directly on
    the loopback address, so it returns them over plain HTTP as the proxy would."""

    def return_ok_secure(self, cookie, request) -> bool:
        return True


def main(base: str, username: str, password: str) -> None:
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar(LocalPolicy())))
    deadline = time.monotonic() + 120
    while True:
        try:
            with opener.open(base + "/healthz", timeout=5) as resp:
                assert json.load(resp)["status"] == "ok"
                break
        except (OSError, urllib.error.URLError):
            if time.monotonic() > deadline:
                raise
            time.sleep(1)
    with opener.open(base + "/login", timeout=30) as resp:
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', resp.read().decode()).group(1)
    form = urllib.parse.urlencode({"username": username, "password": password, "csrf_token": token}).encode()
    with opener.open(base + "/login", data=form, timeout=30) as resp:
        page = resp.read().decode()
        assert "/login" not in resp.url and "退出" in page, f"not logged in: {resp.url}"
    for _ in range(30):  # the scheduler's first heartbeat may take a moment
        try:
            with urllib.request.urlopen(base + "/readyz", timeout=30) as ready:  # noqa: S310 - a probe: no session
                print("readyz:", ready.status, json.load(ready)["status"])
                break
        except urllib.error.HTTPError as exc:
            reasons = json.load(exc).get("reasons")
            time.sleep(2)
    else:
        raise SystemExit(f"not ready: {reasons}")
    print(f"logged in as {username} at {base}")


if __name__ == "__main__":
    main(*sys.argv[1:4])
