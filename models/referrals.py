"""Accountability referrals (追责移送): an officer or a squad referred to the responsible section."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime
from models.org import Section, Squad, User
from models.subjects import ClockMixin

FAMILY_REFERRAL = "referral"


class Classification(enum.StrEnum):
    INACTION = "inaction"  # 不作为
    SLOW = "slow"  # 慢作为
    WRONG = "wrong"  # 乱作为
    VIOLATION = "violation"  # 违规违纪

    @property
    def label(self) -> str:
        return CLASSIFICATION_LABELS[self]


CLASSIFICATION_LABELS = {
    Classification.INACTION: "不作为",
    Classification.SLOW: "慢作为",
    Classification.WRONG: "乱作为",
    Classification.VIOLATION: "违规违纪",
}


class Outcome(enum.StrEnum):
    NO_ACTION = "no_action"  # 不予处理
    TALK = "talk"  # 谈话提醒 / 批评教育
    WARNING = "warning"  # 书面警告
    TRANSFER = "transfer"  # 移送纪检处理
    OTHER = "other"  # 其他

    @property
    def label(self) -> str:
        return OUTCOME_LABELS[self]


OUTCOME_LABELS = {
    Outcome.NO_ACTION: "不予处理",
    Outcome.TALK: "谈话提醒/批评教育",
    Outcome.WARNING: "书面警告",
    Outcome.TRANSFER: "移送纪检处理",
    Outcome.OTHER: "其他",
}


class AccountabilityReferral(ClockMixin, Base):
    __tablename__ = "accountability_referral"
    __table_args__ = (
        CheckConstraint("classification IN ('inaction', 'slow', 'wrong', 'violation')", name="classification_values"),
        CheckConstraint("status IN ('open', 'closed')", name="status_values"),
        CheckConstraint("target_user_id IS NOT NULL OR target_squad_id IS NOT NULL", name="has_target"),
        CheckConstraint(
            "status = 'open' OR (closed_at IS NOT NULL AND outcome IS NOT NULL)", name="closed_has_outcome"
        ),
        CheckConstraint(
            "outcome IS NULL OR outcome IN ('no_action', 'talk', 'warning', 'transfer', 'other')",
            name="outcome_values",
        ),
        Index("ix_accountability_referral_source", "source_family", "source_subject_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    source_family: Mapped[str] = mapped_column(String(32))
    source_subject_id: Mapped[int] = mapped_column(Integer)
    source_label: Mapped[str] = mapped_column(String(250), default="")  # number and title at referral time
    classification: Mapped[str] = mapped_column(String(16), index=True)
    target_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    target_squad_id: Mapped[int | None] = mapped_column(ForeignKey("squad.id"), index=True)
    facts: Mapped[str] = mapped_column(Text)
    evidence: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    section_id: Mapped[int] = mapped_column(ForeignKey("section.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    current_step_name: Mapped[str] = mapped_column(String(64), default="")
    outcome: Mapped[str | None] = mapped_column(String(16))
    outcome_note: Mapped[str] = mapped_column(Text, default="")
    outcome_on: Mapped[date | None] = mapped_column(Date)
    outcome_doc_number: Mapped[str] = mapped_column(String(64), default="")
    referred_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    referred_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"))

    target_user: Mapped[User | None] = relationship(foreign_keys=[target_user_id])
    target_squad: Mapped[Squad | None] = relationship()
    section: Mapped[Section] = relationship()
    referred_by: Mapped[User] = relationship(foreign_keys=[referred_by_id])

    @property
    def classification_label(self) -> str:
        return CLASSIFICATION_LABELS[Classification(self.classification)]

    @property
    def outcome_label(self) -> str:
        return OUTCOME_LABELS[Outcome(self.outcome)] if self.outcome else ""

    @property
    def target_label(self) -> str:
        if self.target_user is not None:
            return f"{self.target_user.name}（{self.target_user.unit_name}）"
        return self.target_squad.name if self.target_squad else ""
