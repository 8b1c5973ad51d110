"""Demo outbound webhooks: the 12345 hotline's client with a webhook and deliveries in each state (sent, retrying,
failed after its last attempt), so 系统管理 → 回调投递 shows deliveries, failures and the re-send button."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.audit import AuditEntry
from models.items import ItemKind
from models.webhooks import WebhookDelivery
from workflows import webhooks
from workflows.items import operations as item_ops
from workflows.petitions import api_clients

STATES = [("sent", 1, 200, ""), ("sent", 2, 200, ""), ("pending", 3, 503, "HTTP 503"),
          ("failed", webhooks.MAX_ATTEMPTS, None, "[Errno 111] Connection refused"), ("sent", 1, 200, "")]


def load(db: Session, now: datetime) -> str:
    client, _token = api_clients.create_client(db, name="12345热线（演示）", now=now,
                                               scopes=("petitions:write", "subjects:read", "changes:read"))
    hook, _secret = webhooks.register(db, client=client, url="http://127.0.0.1:9/duban-hook", now=now)
    entries = list(db.scalars(select(AuditEntry).where(AuditEntry.family == "instructed_item")
                              .order_by(AuditEntry.id.desc()).limit(len(STATES))))
    for entry, (status, attempts, code, error) in zip(entries, STATES, strict=False):
        key = uuid.uuid4().hex
        db.add(WebhookDelivery(
            webhook_id=hook.id, key=key, payload={"event_id": key, **webhooks._payload(entry)}, status=status,
            attempts=attempts, last_status=code, last_error=error, created_at=entry.at,
            next_attempt_at=now + webhooks.backoff(attempts) if status == "pending" else None,
            sent_at=entry.at + timedelta(seconds=2) if status == "sent" else None))
    hook.active = False  # the demo's receiver does not exist: nothing new is queued for it
    db.flush()
    reg = item_ops.Registration(kind=ItemKind.PUBLIC_OPINION, title="网传虹桥路渣土车夜间遗撒（接口登记）",
                                instruction_text="请核实网传情况，依法处置并回复。",
                                received_at=now - timedelta(hours=2),
                                source_doc_number="网办〔2026〕1203号")
    item_ops.register_item(db, actor=None, now=now - timedelta(hours=1), reg=reg, client_name=client.name,
                           external_ref="WSBA-2026-1203")
    return f"1 个回调（{len(entries)} 条投递记录），1 件接口登记的批示件"
