"""The SMTP mailer, built from config (SMTP_HOST, SMTP_PORT, SMTP_SENDER); None when SMTP is not configured."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from workflows.notifications import Mailer


def smtp_mailer(config) -> Mailer | None:
    host = config.get("SMTP_HOST")
    if not host:
        return None
    port, sender = int(config.get("SMTP_PORT") or 25), config.get("SMTP_SENDER") or "duban@localhost"

    def send(to: str, subject: str, body: str) -> None:
        msg = EmailMessage()
        msg["From"], msg["To"], msg["Subject"] = sender, to, subject
        msg.set_content(body)
        with smtplib.SMTP(host, port, timeout=20) as smtp:
            smtp.send_message(msg)

    return send
