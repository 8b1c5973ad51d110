"""The notification centre: unread count in the header, list, open (mark read + link), settings; and
e-mail through a local SMTP server (aiosmtpd), sent exactly once."""

from __future__ import annotations

import socket
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.notifications import Notification
from tests.factories import make_item
from tests.webapp.helpers import post_form
from webapp.notifications.mail import smtp_mailer
from workflows import notifications

NOW = datetime.now(UTC)


def test_bell_list_open_and_read_all(db, org, as_user):
    item = make_item(db, org, now=NOW)
    note = db.scalar(select(Notification).where(Notification.user_id == org.coordinator.id))
    client = as_user(org.coordinator)
    assert 'id="unread-count">1</span>' in client.get("/").get_data(as_text=True)
    listing = client.get("/notifications").get_data(as_text=True)
    assert item.number in listing and "未读" in listing
    resp = post_form(client, "/notifications", f"/notifications/{note.id}/open", {})
    assert resp.status_code == 302 and resp.headers["Location"].startswith(f"/items/{item.id}#step-")
    db.refresh(note)
    assert note.read_at is not None
    assert 'id="unread-count"' not in client.get("/").get_data(as_text=True)
    other = as_user(org.a_member)
    assert post_form(other, "/notifications", f"/notifications/{note.id}/open", {}).status_code == 404
    assert post_form(other, "/notifications", "/notifications/999999/open", {}).status_code == 404


def test_settings_validate_the_address(db, org, as_user):
    client = as_user(org.a_member)
    bad = post_form(client, "/notifications/settings", "/notifications/settings", {"email": "not-an-address"})
    assert bad.status_code == 400 and "邮件地址格式不正确" in bad.get_data(as_text=True)
    ok = post_form(client, "/notifications/settings", "/notifications/settings",
                   {"email": "m1@example.org", "email_enabled": "y"})
    assert ok.status_code == 302


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_email_is_sent_once_through_smtp(db, org, connection):
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Sink

    class Collect(Sink):
        def __init__(self):
            self.messages = []

        async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd API
            self.messages.append((envelope.rcpt_tos, envelope.content.decode("utf-8", "replace")))
            return "250 OK"

    handler = Collect()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        notifications.set_email(db, user_id=org.coordinator.id, email="xtk@example.org", enabled=True)
        make_item(db, org, now=NOW)
        db.commit()
        mailer = smtp_mailer({"SMTP_HOST": "127.0.0.1", "SMTP_PORT": port, "SMTP_SENDER": "duban@example.org"})
        factory = lambda: Session(bind=connection, join_transaction_mode="create_savepoint")  # noqa: E731
        assert notifications.send_pending_email(factory, mailer, NOW) == 1
        assert notifications.send_pending_email(factory, mailer, NOW) == 0, "never twice"
    finally:
        controller.stop()
    assert len(handler.messages) == 1 and handler.messages[0][0] == ["xtk@example.org"]
    db.expire_all()
    assert db.scalar(select(Notification.email_status).where(Notification.user_id == org.coordinator.id)) == "sent"
    assert smtp_mailer({"SMTP_HOST": ""}) is None
