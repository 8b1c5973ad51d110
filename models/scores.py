"""Supervision results (监督结果运用): score rules (考核细则), the derived score ledger, appeals (申诉), locked
assessment periods and commendations (评优评先)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime
from models.engine import WorkItem
from models.org import User
from models.subjects import Subject

POINTS = Numeric(8, 2)


class ScoreRule(Base):
    """One version of one rule of a year's 考核细则: an event kind (`code`, narrowed by `param`, e.g. a referral
    outcome) gives points to the squad and/or the person responsible, at most `cap` (in absolute value) per
    `cap_period`. Editing inserts a new version and marks the old one superseded, so ledger entries keep
    pointing at the version they were scored by."""

    __tablename__ = "score_rule"
    __table_args__ = (
        UniqueConstraint("year", "code", "param", "version", name="year_code_param_version"),
        CheckConstraint("cap_period IN ('month', 'quarter', 'year')", name="cap_period_values"),
        CheckConstraint("cap IS NULL OR cap > 0", name="cap_positive"),
        Index("ix_score_rule_current", "year", "superseded_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(32))
    param: Mapped[str] = mapped_column(String(32), default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    label: Mapped[str] = mapped_column(String(100))
    squad_points: Mapped[Decimal] = mapped_column(POINTS, default=Decimal(0))
    person_points: Mapped[Decimal] = mapped_column(POINTS, default=Decimal(0))
    cap: Mapped[Decimal | None] = mapped_column(POINTS)
    cap_period: Mapped[str] = mapped_column(String(8), default="month")
    threshold: Mapped[Decimal | None] = mapped_column(POINTS)  # e.g. the on-time rate (%) a bonus needs
    active: Mapped[bool] = mapped_column(default=True)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ScoreEntry(Base):
    """One line of the score ledger, derived from one recorded event (`source`, `source_id`) by one rule
    version. `key` names the event, so rebuilding finds the same line again; points are after the cap."""

    __tablename__ = "score_entry"
    __table_args__ = (
        CheckConstraint("status IN ('counted', 'voided')", name="status_values"),
        Index("ix_score_entry_month_squad", "month", "squad_id"),
        Index("ix_score_entry_person_month", "person_id", "month"),
        Index("ix_score_entry_subject", "family", "subject_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(160), unique=True)
    rule_id: Mapped[int] = mapped_column(ForeignKey("score_rule.id"), index=True)
    code: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(String(16))  # overdue, subject, clock, order, audit, finding, period, award
    source_id: Mapped[int | None] = mapped_column(Integer)
    family: Mapped[str | None] = mapped_column(String(32))
    subject_id: Mapped[int | None] = mapped_column(Integer)
    step: Mapped[str | None] = mapped_column(String(64))
    squad_id: Mapped[int | None] = mapped_column(ForeignKey("squad.id"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    month: Mapped[str] = mapped_column(String(7))  # Shanghai month of occurred_at, "YYYY-MM"
    note: Mapped[str] = mapped_column(String(200), default="")
    squad_points: Mapped[Decimal] = mapped_column(POINTS, default=Decimal(0))
    person_points: Mapped[Decimal] = mapped_column(POINTS, default=Decimal(0))
    status: Mapped[str] = mapped_column(String(8), default="counted")

    rule: Mapped[ScoreRule] = relationship()


class ScoreAppeal(Base):
    """申诉: a squad leader disputes a ledger line; 督察科 or 协调科 decides — it stays, or it is voided."""

    __tablename__ = "score_appeal"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'stays', 'voided')", name="status_values"),
        CheckConstraint("status = 'pending' OR decided_at IS NOT NULL", name="decided_has_time"),
        Index("ix_score_appeal_key", "entry_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_key: Mapped[str] = mapped_column(String(160))  # the ledger line's key: it survives rebuilds
    squad_id: Mapped[int] = mapped_column(ForeignKey("squad.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    evidence: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(8), default="pending", index=True)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    opinion: Mapped[str] = mapped_column(Text, default="")

    requested_by: Mapped[User] = relationship(foreign_keys=[requested_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])


class ScorePeriod(Base):
    """An assessment period a bureau leader signed off (锁定): its report is frozen as it was at that moment."""

    __tablename__ = "score_period"
    __table_args__ = (
        UniqueConstraint("kind", "key", name="kind_key"),
        CheckConstraint("kind IN ('month', 'quarter', 'year')", name="kind_values"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    key: Mapped[str] = mapped_column(String(8))  # 2026-03, 2026-Q1, 2026
    first_month: Mapped[str] = mapped_column(String(7))
    last_month: Mapped[str] = mapped_column(String(7))
    locked_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    locked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    report: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    locked_by: Mapped[User] = relationship()


class Commendation(Base):
    """评优评先: a nomination for 优秀监督案例 (`case`, a subject with a write-up, scored by a panel) or for
    文明规范执法先进个人 (`person`, reviewed); once published as selected it feeds the bonus rules."""

    __tablename__ = "commendation"
    __table_args__ = (
        CheckConstraint("kind IN ('case', 'person')", name="kind_values"),
        CheckConstraint("status IN ('nominated', 'reviewed', 'published')", name="status_values"),
        CheckConstraint("kind = 'case' OR person_id IS NOT NULL", name="person_named"),
        Index("ix_commendation_year_kind", "year", "kind", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    year: Mapped[int] = mapped_column(Integer)
    squad_id: Mapped[int] = mapped_column(ForeignKey("squad.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    family: Mapped[str | None] = mapped_column(String(32))
    subject_id: Mapped[int | None] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    write_up: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="nominated")
    selected: Mapped[bool] = mapped_column(default=False)
    review_opinion: Mapped[str] = mapped_column(Text, default="")
    nominated_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    nominated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    person: Mapped[User | None] = relationship(foreign_keys=[person_id])


class CommendationScore(Base):
    """One panel member's score (0–100) of one nominated case."""

    __tablename__ = "commendation_score"
    __table_args__ = (
        UniqueConstraint("commendation_id", "panelist_id", name="once_per_panelist"),
        CheckConstraint("score BETWEEN 0 AND 100", name="score_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    commendation_id: Mapped[int] = mapped_column(ForeignKey("commendation.id", ondelete="CASCADE"), index=True)
    panelist_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    score: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(String(500), default="")
    scored_at: Mapped[datetime] = mapped_column(UTCDateTime)


# The leaders' dashboard (workflows.scoring.dashboard) groups the cross-family projections by these: closures of a
# year per squad and family (index-only on PostgreSQL), open subjects per level, open steps per family and age.
Index("ix_subject_closed", Subject.closed_at, postgresql_include=["squad_id", "deadline_at", "family"])
Index("ix_subject_status_level", Subject.status, Subject.family, Subject.level,
      postgresql_include=["deadline_at"])
Index("ix_work_item_family_started", WorkItem.family, WorkItem.started_at)
