"""Outbound webhooks for the API clients (the city systems).

- `register`: a client's URL and its HMAC secret (shown once).
- The outbox: every successful audit entry about a subject of a family (a state change: registered, a step
  completed, transferred, closed, ...) adds one `webhook_delivery` per active webhook IN THE SAME FLUSH, so a
  change and its deliveries commit or roll back together.
- `deliver_due`: run by the scheduler; posts each due delivery with `X-Duban-Timestamp`,
  `X-Duban-Signature: sha256=<HMAC-SHA256(secret, body)>` and `Idempotency-Key` (the delivery's key: a retry
  sends the same key, the receiver dedupes). 2xx = sent; anything else is retried with exponential backoff
  (1, 2, 4, ... minutes, at most 6 hours apart) up to MAX_ATTEMPTS, then `failed` until an admin re-sends it.
  At least once: a delivery is marked sent only after the receiver answered 2xx.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from models.audit import AuditEntry
from models.org import Role, User
from models.petitions import ApiClient
from models.webhooks import Webhook, WebhookDelivery
from workflows.errors import InvalidInput, NotFound, PermissionDenied

MAX_ATTEMPTS = 8
FIRST_DELAY = timedelta(minutes=1)
MAX_DELAY = timedelta(hours=6)
BATCH = 100

# (url, body, headers) -> (HTTP status or None when unreachable, error text)
Poster = Callable[[str, bytes, dict[str, str]], tuple[int | None, str]]


def register(session: Session, *, client: ApiClient, url: str, now: datetime) -> tuple[Webhook, str]:
    url = (url or "").strip()
    if not url.startswith(("http://", "https://")) or len(url) > 500:
        raise InvalidInput("回调地址必须以 http:// 或 https:// 开头，且不超过 500 个字符", "url")
    secret = secrets.token_urlsafe(32)
    hook = Webhook(client_id=client.id, url=url, secret=secret, active=True, created_at=now)
    session.add(hook)
    session.flush()
    return hook, secret


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _payload(entry: AuditEntry) -> dict[str, Any]:
    details = entry.details or {}
    return {"family": entry.family, "subject_id": entry.subject_id, "number": details.get("number"),
            "action": entry.action, "step": entry.step, "summary": entry.summary,
            "at": entry.at.isoformat() if entry.at else None}


def _families() -> set[str]:
    from workflows import families

    return {f.name for f in families.all_families()}


@event.listens_for(Session, "before_flush")
def _outbox(session: Session, _context, _instances) -> None:
    entries = [o for o in session.new if isinstance(o, AuditEntry) and (o.outcome or "success") == "success"]
    if not entries:
        return
    names = _families()
    entries = [e for e in entries if e.family in names]
    if not entries:
        return
    with session.no_autoflush:
        hooks = list(session.scalars(select(Webhook).where(Webhook.active.is_(True))))
    for entry in entries:
        for hook in hooks:
            key = uuid.uuid4().hex
            session.add(WebhookDelivery(webhook_id=hook.id, key=key, payload={"event_id": key, **_payload(entry)},
                                        status="pending", attempts=0, next_attempt_at=entry.at, last_error="",
                                        created_at=entry.at))


def backoff(attempts: int) -> timedelta:
    return min(FIRST_DELAY * (2 ** max(attempts - 1, 0)), MAX_DELAY)


def _send(delivery: WebhookDelivery, post: Poster, now: datetime) -> bool:
    body = json.dumps(delivery.payload, ensure_ascii=False, sort_keys=True).encode()
    headers = {"Content-Type": "application/json", "X-Duban-Timestamp": now.isoformat(),
               "X-Duban-Signature": sign(delivery.webhook.secret, body), "Idempotency-Key": delivery.key}
    status, error = post(delivery.webhook.url, body, headers)
    delivery.attempts += 1
    delivery.last_status, delivery.last_error = status, (error or "")[:2000]
    if status is not None and 200 <= status < 300:
        delivery.status, delivery.sent_at, delivery.next_attempt_at = "sent", now, None
        return True
    if delivery.attempts >= MAX_ATTEMPTS:
        delivery.status, delivery.next_attempt_at = "failed", None
    else:
        delivery.next_attempt_at = now + backoff(delivery.attempts)
    return False


def deliver_due(new_session: Callable[[], Session], post: Poster, now: datetime, batch: int = BATCH) -> int:
    """Send the due deliveries, each in its own transaction under SKIP LOCKED (two schedulers never send the
    same row at once). Returns how many were sent."""
    with new_session() as session:
        ids = list(session.scalars(select(WebhookDelivery.id).where(
            WebhookDelivery.status == "pending", WebhookDelivery.next_attempt_at <= now)
            .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id).limit(batch)))
    sent = 0
    for delivery_id in ids:
        with new_session() as session:
            delivery = session.scalar(select(WebhookDelivery).where(
                WebhookDelivery.id == delivery_id, WebhookDelivery.status == "pending")
                .with_for_update(skip_locked=True))
            if delivery is None:
                continue
            sent += _send(delivery, post, now)
            session.commit()
    return sent


def _admin(actor: User) -> None:
    if not actor.has(Role.SYSTEM_ADMIN):
        raise PermissionDenied("只有系统管理员可以管理回调")


def resend(session: Session, *, actor: User, now: datetime, delivery_id: int) -> WebhookDelivery:
    """Queue a delivery again (same key, so a receiver that got it before ignores it), audited."""
    from workflows import audit

    _admin(actor)
    delivery = session.get(WebhookDelivery, delivery_id)
    if delivery is None:
        raise NotFound("回调记录不存在")
    delivery.status, delivery.next_attempt_at, delivery.attempts = "pending", now, 0
    audit.record(session, actor=actor, now=now, family="webhook", subject_id=delivery.id, action="webhook_resend",
                 summary=f"重新发送回调 {delivery.key[:8]}", details={"url": delivery.webhook.url})
    session.flush()
    return delivery


def deliveries(session: Session, *, actor: User, status: str | None = None, limit: int = 200
               ) -> list[WebhookDelivery]:
    _admin(actor)
    query = select(WebhookDelivery).order_by(WebhookDelivery.id.desc()).limit(limit)
    if status in ("pending", "sent", "failed"):
        query = query.where(WebhookDelivery.status == status)
    return list(session.scalars(query))
