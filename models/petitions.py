"""Repeat petitions (重复信访/投诉件): petitions, repeat candidates, callbacks, spot checks, findings,
API clients and ledger import jobs."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models import pii
from models.base import Base, UTCDateTime
from models.org import Squad, User
from models.pii import EncryptedJSON, EncryptedString
from models.subjects import ClockMixin

FAMILY_PETITION = "petition"

CHANNELS = {"hotline": "12345热线", "letter": "来信", "visit": "来访", "online": "网上信访", "other": "其他"}
SATISFACTION = {"satisfied": "满意", "basically": "基本满意", "unsatisfied": "不满意"}
MISCONDUCT = {"inaction": "不作为", "slow": "慢作为", "wrongful": "乱作为", "violation": "违规违纪"}


class Petition(ClockMixin, Base):
    """One petition or complaint; `chain_id` is the id of the first petition of its repeat chain."""

    __tablename__ = "petition"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'closed')", name="status_values"),
        CheckConstraint("status = 'open' OR closed_at IS NOT NULL", name="closed_has_time"),
        CheckConstraint("channel IN ('hotline', 'letter', 'visit', 'online', 'other')", name="channel_values"),
        Index("ix_petition_street_category_received", "street", "category", "received_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    channel: Mapped[str] = mapped_column(String(16))
    petitioner_name: Mapped[str] = mapped_column(String(64), default="")
    # Encrypted at rest (models.pii); matched through their blind indexes, never in clear.
    petitioner_phone: Mapped[str] = mapped_column(EncryptedString(256, pii.PHONE), default="")
    petitioner_id_no: Mapped[str] = mapped_column(EncryptedString(256, pii.ID_NO), default="")
    phone_index: Mapped[str | None] = mapped_column(String(32), index=True)
    id_index: Mapped[str | None] = mapped_column(String(32), index=True)
    address: Mapped[str] = mapped_column(String(200))
    address_key: Mapped[str | None] = mapped_column(String(200), index=True)
    street: Mapped[str] = mapped_column(String(64), default="")
    category: Mapped[str] = mapped_column(String(64))
    content: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    external_ref: Mapped[str | None] = mapped_column(String(64), unique=True)
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    source: Mapped[str] = mapped_column(String(16), default="form")
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    current_step_name: Mapped[str] = mapped_column(String(64), default="")
    squad_id: Mapped[int | None] = mapped_column(ForeignKey("squad.id"), index=True)
    handler_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    chain_id: Mapped[int | None] = mapped_column(Integer, index=True)
    repeat_of_id: Mapped[int | None] = mapped_column(ForeignKey("petition.id"))
    difficult: Mapped[bool] = mapped_column(Boolean, default=False)
    accept_due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    conclude_due_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    rectify_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accept_notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    replied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    first_closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    closed_on_time: Mapped[bool | None] = mapped_column(Boolean)
    return_count: Mapped[int] = mapped_column(Integer, default=0)
    reopen_count: Mapped[int] = mapped_column(Integer, default=0)
    satisfaction: Mapped[str | None] = mapped_column(String(16))
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime)
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"))

    squad: Mapped[Squad | None] = relationship()
    handler: Mapped[User | None] = relationship(foreign_keys=[handler_id])
    registered_by: Mapped[User | None] = relationship(foreign_keys=[registered_by_id])

    @property
    def is_repeat(self) -> bool:
        return self.repeat_of_id is not None

    @property
    def due_at(self) -> datetime | None:
        """The conclude deadline in force (after any approved extension)."""
        return self.deadline_at

    @property
    def channel_label(self) -> str:
        return CHANNELS.get(self.channel, self.channel)


class RepeatCandidate(Base):
    """An earlier petition that is probably the same matter, awaiting the coordinator's decision."""

    __tablename__ = "petition_repeat_candidate"
    __table_args__ = (
        UniqueConstraint("petition_id", "candidate_id", name="pair"),
        CheckConstraint("status IN ('pending', 'confirmed', 'rejected')", name="status_values"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    petition_id: Mapped[int] = mapped_column(ForeignKey("petition.id", ondelete="CASCADE"), index=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("petition.id", ondelete="CASCADE"))
    score: Mapped[float] = mapped_column(Float)
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    candidate: Mapped[Petition] = relationship(foreign_keys=[candidate_id])


class CallbackPlan(Base):
    """The month's callback plan of one squad; `seed` makes its random sample reproducible."""

    __tablename__ = "petition_callback_plan"
    __table_args__ = (UniqueConstraint("month", "squad_id", name="month_squad"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[str] = mapped_column(String(7))  # "2026-11": the month the calls are made in
    squad_id: Mapped[int] = mapped_column(ForeignKey("squad.id"))
    seed: Mapped[int] = mapped_column(Integer)
    sample_percent: Mapped[int] = mapped_column(Integer)
    population: Mapped[int] = mapped_column(Integer, default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    squad: Mapped[Squad] = relationship()


class Callback(Base):
    """One petition to call back in a plan, and what the call found."""

    __tablename__ = "petition_callback"
    __table_args__ = (
        UniqueConstraint("plan_id", "petition_id", name="plan_petition"),
        CheckConstraint("status IN ('pending', 'unreached', 'done')", name="status_values"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("petition_callback_plan.id", ondelete="CASCADE"), index=True)
    petition_id: Mapped[int] = mapped_column(ForeignKey("petition.id"), index=True)
    reason: Mapped[str] = mapped_column(String(16))  # "repeat" or "sample"
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    satisfaction: Mapped[str | None] = mapped_column(String(16))
    solved: Mapped[bool | None] = mapped_column(Boolean)
    notes: Mapped[str] = mapped_column(Text, default="")
    called_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    called_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    petition: Mapped[Petition] = relationship()
    plan: Mapped[CallbackPlan] = relationship()


class SpotCheck(Base):
    """An on-site check (抽查) of a handled petition."""

    __tablename__ = "petition_spot_check"
    __table_args__ = (CheckConstraint("result IN ('ok', 'problem')", name="result_values"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    petition_id: Mapped[int] = mapped_column(ForeignKey("petition.id"), index=True)
    checked_on: Mapped[date] = mapped_column(Date)
    result: Mapped[str] = mapped_column(String(16))
    findings: Mapped[str] = mapped_column(Text)
    checked_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)

    checked_by: Mapped[User] = relationship()


class MisconductFinding(Base):
    """Misconduct found in a callback or a spot check, recorded so an accountability referral can link it."""

    __tablename__ = "petition_finding"
    __table_args__ = (
        CheckConstraint("classification IN ('inaction', 'slow', 'wrongful', 'violation')", name="class_values"),
        CheckConstraint("source IN ('callback', 'spot_check', 'handling')", name="source_values"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    petition_id: Mapped[int] = mapped_column(ForeignKey("petition.id"), index=True)
    squad_id: Mapped[int | None] = mapped_column(ForeignKey("squad.id"), index=True)
    source: Mapped[str] = mapped_column(String(16))
    source_id: Mapped[int | None] = mapped_column(Integer)
    classification: Mapped[str] = mapped_column(String(16))
    description: Mapped[str] = mapped_column(Text)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)

    recorded_by: Mapped[User] = relationship()

    @property
    def classification_label(self) -> str:
        return MISCONDUCT.get(self.classification, self.classification)


class ApiClient(Base):
    """An external system (12345 hotline, online case system) allowed to post petitions; token stored hashed."""

    __tablename__ = "api_client"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # What the token may do (space-separated: petitions:write subjects:read changes:read) and until when.
    scopes: Mapped[str] = mapped_column(String(200), default="petitions:write", server_default="petitions:write")
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ImportJob(Base):
    """One ledger (.xlsx) import: its rows (parsed at upload), progress and row-by-row outcome."""

    __tablename__ = "petition_import_job"
    __table_args__ = (CheckConstraint("status IN ('running', 'done', 'failed')", name="status_values"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(255))
    file_sha256: Mapped[str] = mapped_column(String(64))
    rows: Mapped[list[dict[str, Any]]] = mapped_column(EncryptedJSON(pii.IMPORT_ROWS), default=list)  # phones, IDs
    status: Mapped[str] = mapped_column(String(16), default="running")
    total_rows: Mapped[int] = mapped_column(Integer, default=0)
    processed_rows: Mapped[int] = mapped_column(Integer, default=0)
    created_count: Mapped[int] = mapped_column(Integer, default=0)
    duplicate_count: Mapped[int] = mapped_column(Integer, default=0)
    refused_count: Mapped[int] = mapped_column(Integer, default=0)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ImportRow(Base):
    """What became of one ledger row: created, duplicate (taken before) or refused (with the reason)."""

    __tablename__ = "petition_import_row"
    __table_args__ = (UniqueConstraint("job_id", "row_number", name="job_row"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("petition_import_job.id", ondelete="CASCADE"), index=True)
    row_number: Mapped[int] = mapped_column(Integer)
    outcome: Mapped[str] = mapped_column(String(16))
    message: Mapped[str] = mapped_column(String(300), default="")
    petition_id: Mapped[int | None] = mapped_column(ForeignKey("petition.id"))


class ApiCall(Base):
    """One call of the open API (who, what, the answer's status), written even when the call was refused."""

    __tablename__ = "api_call"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int | None] = mapped_column(ForeignKey("api_client.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    method: Mapped[str] = mapped_column(String(8))
    path: Mapped[str] = mapped_column(String(200))
    status: Mapped[int] = mapped_column(Integer)
