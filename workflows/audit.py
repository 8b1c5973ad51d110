"""The audit trail: one entry per action, chained per subject so that edits are detectable."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.audit import AuditEntry
from models.org import User

GENESIS = "0" * 64


def _digest(entry: AuditEntry) -> str:
    body = {
        "at": entry.at.isoformat(),
        "actor": entry.actor_id,
        "subject": [entry.family, entry.subject_id, entry.seq],
        "action": entry.action,
        "step": entry.step,
        "summary": entry.summary,
        "opinion": entry.opinion,
        "details": entry.details,
        "prev": entry.prev_hash,
    }
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def record(
    session: Session,
    *,
    actor: User | None,
    now: datetime,
    family: str,
    subject_id: int,
    action: str,
    summary: str,
    step: str | None = None,
    opinion: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Add one entry in the caller's transaction (flushed, never committed here)."""
    last = session.execute(
        select(AuditEntry.seq, AuditEntry.hash)
        .where(AuditEntry.family == family, AuditEntry.subject_id == subject_id)
        .order_by(AuditEntry.seq.desc())
        .limit(1)
    ).first()
    entry = AuditEntry(
        at=now,
        actor_id=actor.id if actor else None,
        family=family,
        subject_id=subject_id,
        seq=(last.seq + 1) if last else 1,
        action=action,
        step=step,
        summary=summary[:200],
        opinion=opinion or "",
        details=details or {},
        prev_hash=last.hash if last else GENESIS,
    )
    entry.hash = _digest(entry)
    session.add(entry)
    session.flush()
    return entry


def timeline(session: Session, family: str, subject_id: int) -> list[AuditEntry]:
    return list(
        session.scalars(
            select(AuditEntry)
            .where(AuditEntry.family == family, AuditEntry.subject_id == subject_id)
            .order_by(AuditEntry.seq)
        )
    )


def verify_chain(entries: list[AuditEntry]) -> int | None:
    """The seq of the first entry that does not match its chain, or None when all is intact."""
    prev = GENESIS
    for entry in entries:
        if entry.prev_hash != prev or _digest(entry) != entry.hash:
            return entry.seq
        prev = entry.hash
    return None
