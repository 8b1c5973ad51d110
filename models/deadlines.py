"""Deadline clock: configurable rules, clock events (延期申请, 挂起, 催办), overdue evidence, scheduler failures."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime
from models.org import User


class ClockRule(Base):
    """An administrator's clock rule: per family, per kind (0 = every kind) and per step ('' = the subject).

    Rules are versioned: saving inserts a row effective from that moment, so a subject follows the rules in
    force when it was registered (its `clock_rules_at`) until an administrator recomputes it."""

    __tablename__ = "clock_rule"
    __table_args__ = (
        UniqueConstraint("family", "kind", "step", "effective_from", name="family_kind_step_from"),
        CheckConstraint("counts_from IN ('step', 'subject')", name="counts_from_values"),
        CheckConstraint("unit IN ('workday', 'day', 'hour')", name="unit_values"),
        CheckConstraint("amount >= 1", name="amount_positive"),
        CheckConstraint("yellow_pct BETWEEN 1 AND 99", name="yellow_range"),
        CheckConstraint("red_workdays >= 0 AND escalate_workdays >= 0", name="ladder_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    family: Mapped[str] = mapped_column(String(32))
    kind: Mapped[int] = mapped_column(Integer, default=0)
    step: Mapped[str] = mapped_column(String(64), default="")
    unit: Mapped[str] = mapped_column(String(16), default="workday")
    amount: Mapped[int] = mapped_column(Integer)
    same_day: Mapped[bool] = mapped_column(Boolean, default=False)
    yellow_pct: Mapped[int] = mapped_column(Integer, default=67)
    red_workdays: Mapped[int] = mapped_column(Integer, default=1)
    escalate_workdays: Mapped[int] = mapped_column(Integer, default=1)
    pause_on_suspend: Mapped[bool] = mapped_column(Boolean, default=True)
    counts_from: Mapped[str] = mapped_column(String(8), default="step", server_default="step")
    max_extension_workdays: Mapped[int | None] = mapped_column(Integer)  # 信访: +30 at most
    red_after_urges: Mapped[int] = mapped_column(Integer, default=2, server_default="2")
    order_answer_workdays: Mapped[int] = mapped_column(Integer, default=3, server_default="3")
    effective_from: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ClockRequest(Base):
    """A request on a subject's clock that its approver group decides: 延期申请 (extension: a later deadline) or
    挂起申请 (suspension: the clock pauses until resumed)."""

    __tablename__ = "clock_request"
    __table_args__ = (
        CheckConstraint("kind IN ('extension', 'suspension')", name="kind_values"),
        CheckConstraint("status IN ('pending', 'approved', 'refused')", name="status_values"),
        CheckConstraint("approver_group IN ('coordination', 'leader')", name="approver_values"),
        CheckConstraint("status = 'pending' OR decided_at IS NOT NULL", name="decided_has_time"),
        CheckConstraint("kind = 'suspension' OR requested_deadline_at IS NOT NULL", name="extension_has_date"),
        Index("ix_clock_request_subject", "family", "subject_id"),
        Index("ix_clock_request_status", "status", "approver_group"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), default="extension")
    family: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[int] = mapped_column(Integer)
    squad_id: Mapped[int | None] = mapped_column(ForeignKey("squad.id"))
    reason: Mapped[str] = mapped_column(Text)
    old_deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    requested_deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approver_group: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    opinion: Mapped[str] = mapped_column(Text, default="")

    requested_by: Mapped[User] = relationship(foreign_keys=[requested_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])


class ClockEvent(Base):
    """The clock history of a subject: extension requested/approved/refused, suspended, resumed, urged."""

    __tablename__ = "clock_event"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('extension_requested', 'extension_approved', 'extension_refused', 'suspension_requested',"
            " 'suspension_refused', 'suspended', 'resumed', 'urged', 'recomputed', 'deadline_set', 'level_changed',"
            " 'order_issued', 'order_answered')",
            name="kind_values",
        ),
        Index("ix_clock_event_subject", "family", "subject_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    family: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(24))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    old_deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    new_deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    note: Mapped[str] = mapped_column(Text, default="")
    request_id: Mapped[int | None] = mapped_column(ForeignKey("clock_request.id"))

    actor: Mapped[User | None] = relationship()


class Urge(Base):
    """催办: a coordinator or leader urges the holder of an open step."""

    __tablename__ = "urge"
    __table_args__ = (Index("ix_urge_subject", "family", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    family: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[int] = mapped_column(Integer)
    task_uuid: Mapped[str] = mapped_column(String(36))
    step_name: Mapped[str] = mapped_column(String(64))
    squad_id: Mapped[int | None] = mapped_column(ForeignKey("squad.id"), index=True)
    target_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    message: Mapped[str] = mapped_column(Text)
    urged_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    urged_at: Mapped[datetime] = mapped_column(UTCDateTime)

    urged_by: Mapped[User] = relationship(foreign_keys=[urged_by_id])


class OverdueRecord(Base):
    """Evidence for slow action (慢作为): one row per overdue step (or item) and due time."""

    __tablename__ = "overdue_record"
    __table_args__ = (Index("ix_overdue_record_subject", "family", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(160), unique=True)
    family: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[int] = mapped_column(Integer)
    task_uuid: Mapped[str | None] = mapped_column(String(36))
    step: Mapped[str] = mapped_column(String(64), default="")
    step_name: Mapped[str] = mapped_column(String(64), default="")
    squad_id: Mapped[int | None] = mapped_column(ForeignKey("squad.id"), index=True)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    detected_at: Mapped[datetime] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SchedulerFailure(Base):
    """A due row that failed in the sweep; after three attempts it becomes an incident for admins."""

    __tablename__ = "scheduler_failure"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(120), unique=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    first_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_at: Mapped[datetime] = mapped_column(UTCDateTime)
    incident: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    # Set when the row later succeeded, or when what failed is gone or no longer due (the incident is stale).
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolution: Mapped[str] = mapped_column(String(200), default="", server_default="")
