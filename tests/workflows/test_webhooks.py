"""Outbound webhooks: the outbox is written with the change (and rolled back with it), deliveries are signed and
carry an idempotency key, a failing receiver is retried with exponential backoff until it answers, and a delivery
that ran out of attempts is failed until an administrator re-sends it. A real local HTTP receiver, no internet."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from sqlalchemy import select

from models.webhooks import WebhookDelivery
from tests.factories import NOW, make_item
from webapp.webhook_http import post
from workflows import audit, scheduler, webhooks
from workflows.errors import InvalidInput, PermissionDenied
from workflows.petitions import api_clients


class Receiver:
    """A local HTTP server: answers each POST with the next planned status (then 200), records what came."""

    def __init__(self, plan=()):
        self.plan, self.got = list(plan), []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.got.append((dict(self.headers), body))
                status = receiver.plan.pop(0) if receiver.plan else 200
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    made = []

    def make(plan=()):
        made.append(Receiver(plan))
        return made[-1]

    yield make
    for r in made:
        r.close()


class Sessions:
    """The scheduler's session factory in a test: savepoints on the test's session (commit = release)."""

    def __init__(self, db):
        self.db = db

    def __call__(self):
        return self

    def __enter__(self):
        self.nested = self.db.begin_nested()
        return self.db

    def __exit__(self, *exc):
        if self.nested.is_active:
            self.nested.commit()


def _hook(db, url):
    client, _token = api_clients.create_client(db, name="12345热线", now=NOW, scopes=("subjects:read",))
    return webhooks.register(db, client=client, url=url, now=NOW)


def _pending(db):
    return list(db.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)))


def test_a_change_writes_the_outbox_in_its_transaction_and_a_rollback_takes_it_away(db, org, receiver):
    hook, _secret = _hook(db, receiver().url)
    nested = db.begin_nested()
    make_item(db, org)
    assert [d.payload["action"] for d in _pending(db)] == ["register"]
    nested.rollback()
    assert _pending(db) == []
    item = make_item(db, org)
    (delivery,) = _pending(db)
    assert delivery.webhook_id == hook.id and delivery.status == "pending"
    assert delivery.payload["number"] == item.number and delivery.payload["family"] == "instructed_item"


def test_a_delivery_is_signed_with_the_clients_secret_and_carries_its_key(db, org, receiver):
    server = receiver()
    _hook_row, secret = _hook(db, server.url)
    make_item(db, org)
    assert webhooks.deliver_due(Sessions(db), post, NOW) == 1
    ((headers, body),), (delivery,) = server.got, _pending(db)
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    assert headers["X-Duban-Signature"] == expected and headers["X-Duban-Timestamp"] == NOW.isoformat()
    assert headers["Idempotency-Key"] == delivery.key == json.loads(body)["event_id"]
    assert (delivery.status, delivery.attempts, delivery.sent_at) == ("sent", 1, NOW)
    assert webhooks.deliver_due(Sessions(db), post, NOW + timedelta(hours=1)) == 0, "sent once: not again"


def test_a_failing_receiver_is_retried_with_backoff_and_the_same_key(db, org, receiver):
    server = receiver(plan=[500, 503])
    _hook(db, server.url)
    make_item(db, org)
    assert webhooks.deliver_due(Sessions(db), post, NOW) == 0
    (delivery,) = _pending(db)
    assert (delivery.status, delivery.attempts, delivery.last_status) == ("pending", 1, 500)
    assert delivery.next_attempt_at == NOW + timedelta(minutes=1)
    assert webhooks.deliver_due(Sessions(db), post, NOW + timedelta(seconds=30)) == 0 and len(server.got) == 1
    webhooks.deliver_due(Sessions(db), post, NOW + timedelta(minutes=1))
    assert delivery.attempts == 2 and delivery.next_attempt_at == NOW + timedelta(minutes=3), "2 minutes later"
    assert webhooks.deliver_due(Sessions(db), post, NOW + timedelta(minutes=3)) == 1
    assert delivery.status == "sent" and len({h["Idempotency-Key"] for h, _ in server.got}) == 1


def test_an_unreachable_receiver_fails_after_the_last_attempt_and_an_admin_resends(db, org, receiver):
    server = receiver()
    url = server.url
    server.close()
    _hook(db, url)
    make_item(db, org)
    at = NOW
    for _ in range(webhooks.MAX_ATTEMPTS):
        webhooks.deliver_due(Sessions(db), post, at)
        at += webhooks.MAX_DELAY
    (delivery,) = _pending(db)
    assert (delivery.status, delivery.attempts, delivery.last_status) == ("failed", webhooks.MAX_ATTEMPTS, None)
    assert delivery.last_error
    with pytest.raises(PermissionDenied):
        webhooks.resend(db, actor=org.coordinator, now=at, delivery_id=delivery.id)
    webhooks.resend(db, actor=org.admin, now=at, delivery_id=delivery.id)
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == ("pending", 0, at)
    assert [e.action for e in audit.timeline(db, "webhook", delivery.id)] == ["webhook_resend"]


def test_the_scheduler_tick_sends_through_its_poster(db, org, receiver):
    server = receiver()
    _hook(db, server.url)
    make_item(db, org)
    result = scheduler.tick(Sessions(db), NOW, poster=post)
    assert result.webhooks == 1 and len(server.got) == 1


def test_without_webhooks_nothing_is_queued_and_a_bad_url_is_refused(db, org):
    make_item(db, org)
    assert _pending(db) == []
    client, _ = api_clients.create_client(db, name="网上办案", now=NOW)
    with pytest.raises(InvalidInput) as err:
        webhooks.register(db, client=client, url="ftp://x", now=NOW)
    assert err.value.field == "url"
