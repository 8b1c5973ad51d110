"""The audit trail / timeline: who did what, when, from where, with what outcome; a keyed chain per subject,
a global gapless sequence and periodic seals make it tamper-evident (see workflows.audit)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime
from models.org import User


class AuditEntry(Base):
    __tablename__ = "audit_entry"
    __table_args__ = (
        UniqueConstraint("family", "subject_id", "seq", name="subject_seq"),
        Index("ix_audit_entry_actor_at", "actor_id", "at"),
        Index("ix_audit_entry_action_at", "action", "at"),
        Index("ix_audit_entry_at", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    gseq: Mapped[int] = mapped_column(Integer, unique=True)  # global, gapless: 1, 2, 3 ...
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    family: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(64))
    step: Mapped[str | None] = mapped_column(String(64))
    summary: Mapped[str] = mapped_column(String(200))
    opinion: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    address: Mapped[str] = mapped_column(String(64), default="")  # the client's address, when there was one
    outcome: Mapped[str] = mapped_column(String(16), default="success")  # success / failure / refused
    alg: Mapped[str] = mapped_column(String(16), default="hmac-sha256")  # MAC of `hash`
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    actor: Mapped[User | None] = relationship()


class AuditSeal(Base):
    """A signed checkpoint written by the scheduler: the global counter, the number of subjects and a digest
    of every chain's head at that moment, linked to the previous seal. Also appended to a file."""

    __tablename__ = "audit_seal"

    id: Mapped[int] = mapped_column(primary_key=True)
    no: Mapped[int] = mapped_column(Integer, unique=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_gseq: Mapped[int] = mapped_column(Integer)
    chains: Mapped[int] = mapped_column(Integer)
    heads_digest: Mapped[str] = mapped_column(String(64))
    prev_mac: Mapped[str] = mapped_column(String(64))
    alg: Mapped[str] = mapped_column(String(16))
    mac: Mapped[str] = mapped_column(String(64))
