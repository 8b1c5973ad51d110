"""One JSON line per request (request id, user id, route, status, duration); the id in a header and on the
error page; no password, token or personal number in any log line."""

from __future__ import annotations

import io
import json
import logging

import pytest

from tests.conftest import csrf_token, login
from webapp import logs


@pytest.fixture
def lines():
    stream = io.StringIO()
    handler = logs.configure(stream)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]
    logging.getLogger().removeHandler(handler)


def requests(found):
    return [r for r in found if r.get("message") == "request"]


def test_one_json_line_per_request(client, org, lines):
    login(client, org.a_member)
    resp = client.get(f"/items/{10**6}?q=13812345678")
    assert resp.status_code == 404
    rid = resp.headers["X-Request-ID"]
    assert rid and rid in resp.get_data(as_text=True), "the error page shows the request id"
    line = next(r for r in requests(lines()) if r["request_id"] == rid)
    assert line["user_id"] == org.a_member.id and line["status"] == 404 and line["method"] == "GET"
    assert line["route"] == "/items/<int:item_id>" and isinstance(line["duration_ms"], float)
    assert "13812345678" not in json.dumps(lines())
    assert set(line) >= {"time", "level", "logger", "request_id", "user_id", "route", "status", "duration_ms"}


def test_a_well_formed_proxy_request_id_is_kept(client, lines):
    resp = client.get("/healthz", headers={"X-Request-ID": "0123456789abcdef"})
    assert resp.headers["X-Request-ID"] == "0123456789abcdef"
    bad = client.get("/healthz", headers={"X-Request-ID": "<script>"})
    assert bad.headers["X-Request-ID"] != "<script>" and len(bad.headers["X-Request-ID"]) == 32


def test_no_password_in_the_logs(client, org, lines):
    token = csrf_token(client)
    client.post("/login", data={"username": org.a_member.username, "password": "Geheim-Passwort-42",
                                "csrf_token": token})
    assert "Geheim-Passwort-42" not in json.dumps(lines())
    assert requests(lines())[-1]["route"] == "/login"


def test_messages_and_tracebacks_are_redacted(lines):
    log = logging.getLogger("duban.test")
    log.warning("caller 13812345678 id 31010519800101123X with Authorization: Bearer abc.def password=hunter2")
    try:
        raise ValueError("token=zzz-secret for 13912345678")
    except ValueError:
        log.exception("failed")
    text = json.dumps(lines(), ensure_ascii=False)
    for secret in ("13812345678", "31010519800101123X", "abc.def", "hunter2", "zzz-secret", "13912345678"):
        assert secret not in text
    assert "[手机号已隐去]" in text and "[身份证号已隐去]" in text
