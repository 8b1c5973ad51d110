"""Security headers on every page of the URL map (as several roles), and no inline code in any template."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.factories import make_item, make_petition
from webapp.headers import CSP, HEADERS

TEMPLATES = Path(__file__).resolve().parents[2] / "webapp" / "templates"
INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle\s*=|\son[a-z]+\s*=|javascript:", re.I)


def _get_urls(app) -> list[str]:
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        values = {arg: ("1" if type(rule._converters[arg]).__name__ == "IntegerConverter" else "x")
                  for arg in rule.arguments}
        urls.append(re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", lambda m, v=values: v[m.group(1)], rule.rule))
    return sorted(set(urls))


def _check(resp, url, production=False):
    missing = [name for name, value in HEADERS.items() if resp.headers.get(name) != value
               and not (url.startswith("/attachments/") and name == "Content-Security-Policy")]
    if production and "max-age=" not in resp.headers.get("Strict-Transport-Security", ""):
        missing.append("Strict-Transport-Security")
    return missing


@pytest.mark.parametrize("role", ["anonymous", "coordinator", "a_member", "admin"])
def test_every_page_carries_the_headers(app, as_user, client, org, db, role):
    make_item(db, org)
    make_petition(db, org)
    if role != "anonymous":
        client = as_user(getattr(org, role))
    urls = _get_urls(app)
    assert len(urls) > 40
    failures = {}
    for url in urls:
        resp = client.get(url)
        missing = _check(resp, url)
        if missing:
            failures[url] = (resp.status_code, missing)
    assert failures == {}


def test_the_policy_forbids_inline_code_and_framing():
    assert "script-src 'self';" in CSP and "style-src 'self';" in CSP and "'unsafe-inline'" not in CSP
    assert "frame-ancestors 'none'" in CSP and HEADERS["X-Frame-Options"] == "DENY"


def test_production_adds_hsts(tmp_path):
    import config
    from webapp import create_app

    cls = type("P", (config.Config,), {"ENV": "production", "SECRET_KEY": "s" * 32, "AUDIT_HMAC_KEY": "a" * 32,
                                       "PII_KEY": "p" * 32, "DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}"})
    resp = create_app(cls).test_client().get("/login")
    assert _check(resp, "/login", production=True) == []


def test_no_template_has_inline_scripts_styles_or_handlers():
    found = []
    for path in TEMPLATES.rglob("*.html"):
        for n, line in enumerate(path.read_text().splitlines(), start=1):
            if INLINE.search(line):
                found.append(f"{path.relative_to(TEMPLATES)}:{n}: {line.strip()[:80]}")
    assert found == []
