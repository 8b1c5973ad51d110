"""专案研究 as a record: a study meeting on a subject of any family, its decisions, and the actions that follow
(each action is itself a small supervised subject with an owner squad and a deadline on the same clock)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime
from models.org import Squad, User
from models.subjects import ClockMixin

FAMILY_STUDY_ACTION = "study_action"


class StudyMeeting(Base):
    __tablename__ = "study_meeting"
    __table_args__ = (Index("ix_study_meeting_subject", "family", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    family: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[int] = mapped_column(Integer)
    held_on: Mapped[date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(200))
    units_present: Mapped[str] = mapped_column(Text)  # 参会单位 (co-squads and other departments, by text)
    people_present: Mapped[str] = mapped_column(Text)
    matters: Mapped[str] = mapped_column(Text)  # 研究事项
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)

    recorded_by: Mapped[User] = relationship()
    decisions: Mapped[list[StudyDecision]] = relationship(order_by="StudyDecision.position",
                                                          back_populates="meeting")


class StudyDecision(Base):
    __tablename__ = "study_decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("study_meeting.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)

    meeting: Mapped[StudyMeeting] = relationship(back_populates="decisions")
    action: Mapped[StudyAction | None] = relationship(back_populates="decision", uselist=False)


class StudyAction(ClockMixin, Base):
    """落实事项: a decision of a study meeting given to an owner squad with a deadline (a family of its own)."""

    __tablename__ = "study_action"
    __table_args__ = (CheckConstraint("status IN ('open', 'closed')", name="status_values"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("study_decision.id"), unique=True)
    squad_id: Mapped[int] = mapped_column(ForeignKey("squad.id"), index=True)
    handler_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    title: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date] = mapped_column(Date)
    result: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    current_step_name: Mapped[str] = mapped_column(String(64), default="")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"))

    decision: Mapped[StudyDecision] = relationship(back_populates="action")
    squad: Mapped[Squad] = relationship()
