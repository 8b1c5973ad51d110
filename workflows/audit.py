"""The audit trail: one entry per action, in the caller's transaction.

Tamper evidence: every entry carries a global gapless sequence (`gseq`, from a locked counter row) and its
subject's own `seq`, and is keyed with an HMAC (SHA-256, or SM3 where the national algorithms are required)
over its content, both sequences and the previous entry of its subject. The key is held outside the database
(environment / instance folder), so whoever can only write the database cannot recompute a chain. Seals
(`workflows.audit_seals`) checkpoint the counter and every chain's head; `verify` finds edits, reorderings,
forged inserts and deletions, including a subject's last entries and whole subjects. Nothing deletes entries.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from contextvars import ContextVar
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, joinedload

from models.audit import AuditEntry
from models.counters import NumberCounter
from models.org import User
from workflows import numbering
from workflows import webhooks as _webhooks  # noqa: F401  (the outbox: deliveries flush with each entry)

GENESIS = "0" * 64
LEGACY = "sha256"  # entries written before the chain was keyed (re-keyed by `adopt_legacy`)
COUNTER = "audit_gseq"
ALGORITHMS = ("hmac-sha256", "hmac-sm3")
_address: ContextVar[str] = ContextVar("audit_address", default="")  # the web layer sets it per request
_key = {"key": secrets.token_bytes(32), "alg": "hmac-sha256"}  # replaced at start-up by `configure`


def configure(key: bytes, algorithm: str = "hmac-sha256") -> None:
    if algorithm not in ALGORITHMS:
        raise ValueError(f"unknown audit MAC algorithm {algorithm!r}; use one of {ALGORITHMS}")
    _key.update(key=key, alg=algorithm)


def set_address(address: str) -> None:
    """The client address recorded on this request's entries (the web layer calls it for every request)."""
    _address.set(address[:64])


def current_alg() -> str:
    return _key["alg"]


def _body(entry: AuditEntry) -> bytes:
    body = {
        "at": entry.at.isoformat(), "actor": entry.actor_id, "subject": [entry.family, entry.subject_id, entry.seq],
        "action": entry.action, "step": entry.step, "summary": entry.summary, "opinion": entry.opinion,
        "details": entry.details, "prev": entry.prev_hash,
    }
    if entry.alg != LEGACY:
        body.update(gseq=entry.gseq, address=entry.address, outcome=entry.outcome, alg=entry.alg)
    return json.dumps(body, sort_keys=True, ensure_ascii=False, default=str).encode()


def mac(data: bytes, alg: str | None = None) -> str:
    alg = alg or _key["alg"]
    if alg == "hmac-sm3":
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives import hmac as crypto_hmac

        h = crypto_hmac.HMAC(_key["key"], hashes.SM3())
        h.update(data)
        return h.finalize().hex()
    return hmac.new(_key["key"], data, hashlib.sha256).hexdigest()


def digest(entry: AuditEntry) -> str:
    if entry.alg == LEGACY:
        return hashlib.sha256(_body(entry)).hexdigest()
    return mac(_body(entry), entry.alg)


_HEADS = "duban_audit_heads"  # session.info: (family, subject_id) -> (transaction, (seq, hash) | None | _LOCKED)
_LOCKED, _UNKNOWN = object(), object()


def _transaction(session: Session):
    return session.get_nested_transaction() or session.get_transaction()


def subject_locked(session: Session, family: str, subject_id: int) -> None:
    """The caller holds the subject's row lock in this (innermost) transaction: its next entry reads the chain
    head in the same statement that takes the global counter. That statement starts after the lock was granted,
    so it sees every entry of the subject (their writers held the lock until they committed). The statement that
    took the lock cannot read the head itself: on PostgreSQL, when it waited for the lock, its snapshot predates
    the holder's commit (READ COMMITTED re-checks the locked row, not the rest of the statement)."""
    session.info.setdefault(_HEADS, {})[(family, subject_id)] = (_transaction(session), _LOCKED)


def prime_head(session: Session, family: str, subject_id: int, seq: int | None, hash_: str | None) -> None:
    """Remember the chain head written in this (innermost) transaction, which holds the global counter's lock."""
    session.info.setdefault(_HEADS, {})[(family, subject_id)] = (
        _transaction(session), (seq, hash_) if seq is not None else None)


def _last(family: str, subject_id: int):
    return (select(AuditEntry.seq, AuditEntry.hash)
            .where(AuditEntry.family == family, AuditEntry.subject_id == subject_id)
            .order_by(AuditEntry.seq.desc()).limit(1))


def _held(session: Session, family: str, subject_id: int):
    held = session.info.get(_HEADS, {}).get((family, subject_id))
    return held[1] if held is not None and held[0] is _transaction(session) else _UNKNOWN


def _number_and_head(session: Session, family: str, subject_id: int):
    """(global sequence number, chain head) for the next entry of a subject."""
    held = _held(session, family, subject_id)
    if held is _LOCKED:
        last = _last(family, subject_id)
        bump = (update(NumberCounter).where(NumberCounter.scope == COUNTER, NumberCounter.year == 0)
                .values(last_seq=NumberCounter.last_seq + 1)
                .returning(NumberCounter.last_seq, last.with_only_columns(AuditEntry.seq).scalar_subquery(),
                           last.with_only_columns(AuditEntry.hash).scalar_subquery()))
        row = session.execute(bump).first()
        if row is not None:
            return row[0], (row[1], row[2]) if row[1] is not None else None
        held = _UNKNOWN  # the counter's first use: the ordinary path creates it
    gseq = numbering.next_seq(session, COUNTER, 0, lambda: session.scalar(select(func.max(AuditEntry.gseq))) or 0)
    if held is _UNKNOWN:  # read after the counter is ours: every other writer has committed or waits for it
        held = session.execute(_last(family, subject_id)).first()
    return gseq, held


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
    address: str = "",
    outcome: str = "success",
) -> AuditEntry:
    """Add one entry in the caller's transaction (flushed, never committed here). The global counter row stays
    locked until the transaction ends, so entries are numbered 1, 2, 3 ... without gaps (a rollback gives the
    number back) and simultaneous writers of one subject queue instead of colliding. The subject's chain head is
    read with the counter (`subject_locked`) or after it, never from a snapshot older than the counter's lock."""
    gseq, last = _number_and_head(session, family, subject_id)
    details = dict(details or {})
    address = address or str(details.get("address", "")) or _address.get()
    entry = AuditEntry(
        gseq=gseq, at=now, actor_id=actor.id if actor else None, family=family, subject_id=subject_id,
        seq=(last[0] + 1) if last else 1, action=action, step=step, summary=summary[:200], opinion=opinion or "",
        details=details, prev_hash=last[1] if last else GENESIS, address=address[:64], outcome=outcome[:16],
        alg=_key["alg"],
    )
    entry.hash = digest(entry)
    session.add(entry)
    session.flush()
    prime_head(session, family, subject_id, entry.seq, entry.hash)
    return entry


def timeline(session: Session, family: str, subject_id: int) -> list[AuditEntry]:
    return list(
        session.scalars(
            select(AuditEntry)
            .options(joinedload(AuditEntry.actor))  # pages show each entry's actor: no query per entry
            .where(AuditEntry.family == family, AuditEntry.subject_id == subject_id)
            .order_by(AuditEntry.seq)
        )
    )


def verify_chain(entries: list[AuditEntry]) -> int | None:
    """The seq of the first entry of one subject that does not match its chain, or None when all is intact."""
    prev = GENESIS
    for expected, entry in enumerate(entries, start=1):
        if entry.seq != expected or entry.prev_hash != prev or digest(entry) != entry.hash:
            return entry.seq
        prev = entry.hash
    return None


def adopt_legacy(session: Session) -> int:
    """Re-key the entries written before the chain was keyed, subject by subject, after checking their old
    unkeyed chain (a broken old chain is left as it is, so `verify` reports it). Returns entries re-keyed."""
    pairs = session.execute(select(AuditEntry.family, AuditEntry.subject_id).where(AuditEntry.alg == LEGACY)
                            .distinct()).all()
    count = 0
    for family, subject_id in pairs:
        entries = timeline(session, family, subject_id)
        if verify_chain([e for e in entries if e.alg == LEGACY]) is not None:
            continue
        prev = GENESIS
        for entry in entries:
            entry.prev_hash = prev
            if entry.alg == LEGACY:
                entry.alg = _key["alg"]
                count += 1
            entry.hash = digest(entry)
            prev = entry.hash
    session.flush()
    return count
