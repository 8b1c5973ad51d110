"""Helpers for web tests: CSRF tokens from pages, posting forms like a browser."""

from __future__ import annotations

import re

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def token_from(client, path: str) -> str:
    html = client.get(path).get_data(as_text=True)
    match = TOKEN.search(html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def post_form(client, page: str, action: str, data: dict, **kw):
    """Fetch `page` for its CSRF token, then post `data` to `action`."""
    return client.post(action, data={"csrf_token": token_from(client, page), **data}, **kw)


def server_error(url: str, status: int) -> bool:
    """A 5xx answer that is a fault. /readyz answers 503 while the scheduler is not running: that is its
    job (a readiness probe), not a server error."""
    return status >= 500 and not (url.split("?")[0] == "/readyz" and status == 503)
