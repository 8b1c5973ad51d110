"""Who is responsible for a subject of any family: co-squad parts (协办), jurisdiction returns (退单) and
reassignments (改派). The lead squad (主办) stays on the family's own table."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime
from models.org import Squad, User

PART_STATUSES = ("named", "open", "done", "missing", "removed")
PART_LABELS = {"named": "待交办", "open": "办理中", "done": "已反馈", "missing": "缺失（超期未反馈）",
               "removed": "已撤销"}
RETURN_REASONS = {"territory": "属地不符", "ownership": "权属不清", "function": "职能交叉", "other": "其他"}
RETURN_STATUSES = {"pending": "待协调科决定", "accepted": "已同意并改派", "rejected": "已驳回",
                   "escalated": "待局领导终审", "final": "局领导已终审"}


class CoSquadPart(Base):
    """One co-squad (协办中队) of a subject: its part of the work, its own limit, its branch of the process."""

    __tablename__ = "co_squad_part"
    __table_args__ = (
        CheckConstraint("status IN ('named', 'open', 'done', 'missing', 'removed')", name="status_values"),
        CheckConstraint("status != 'removed' OR removed_reason != ''", name="removed_has_reason"),
        Index("ix_co_squad_part_subject", "family", "subject_id"),
        Index("ix_co_squad_part_squad", "squad_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    family: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[int] = mapped_column(Integer)
    squad_id: Mapped[int] = mapped_column(ForeignKey("squad.id"))
    part: Mapped[str] = mapped_column(Text)  # what this squad must handle
    status: Mapped[str] = mapped_column(String(16), default="named")
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    due_provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    handler_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    findings: Mapped[str] = mapped_column(Text, default="")  # 协查情况
    contribution: Mapped[str] = mapped_column(Text, default="")  # 反馈意见
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    named_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    named_at: Mapped[datetime] = mapped_column(UTCDateTime)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    removed_reason: Mapped[str] = mapped_column(Text, default="")

    squad: Mapped[Squad] = relationship(foreign_keys=[squad_id])
    handler: Mapped[User | None] = relationship(foreign_keys=[handler_id])

    @property
    def status_label(self) -> str:
        return PART_LABELS.get(self.status, self.status)


class JurisdictionReturn(Base):
    """A squad's 退单: the subject is not theirs. Decided by the coordination section (accept and reassign, or
    reject); a subject's second return goes to a bureau leader, whose decision is final."""

    __tablename__ = "jurisdiction_return"
    __table_args__ = (
        CheckConstraint("reason IN ('territory', 'ownership', 'function', 'other')", name="reason_values"),
        CheckConstraint("status IN ('pending', 'accepted', 'rejected', 'escalated', 'final')", name="status_values"),
        CheckConstraint("status IN ('pending', 'escalated') OR decided_at IS NOT NULL", name="decided_has_time"),
        Index("ix_jurisdiction_return_subject", "family", "subject_id"),
        Index("ix_jurisdiction_return_squad", "squad_id", "filed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    family: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[int] = mapped_column(Integer)
    squad_id: Mapped[int] = mapped_column(ForeignKey("squad.id"))  # the returning squad
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime)  # when that squad got the subject
    reason: Mapped[str] = mapped_column(String(16))
    explanation: Mapped[str] = mapped_column(Text)
    filed_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    filed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str] = mapped_column(Text, default="")
    to_squad_id: Mapped[int | None] = mapped_column(ForeignKey("squad.id"))  # named by the decision
    lock_version: Mapped[int] = mapped_column(Integer, default=1)

    squad: Mapped[Squad] = relationship(foreign_keys=[squad_id])
    to_squad: Mapped[Squad | None] = relationship(foreign_keys=[to_squad_id])
    filed_by: Mapped[User] = relationship(foreign_keys=[filed_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    __mapper_args__ = {"version_id_col": lock_version}

    @property
    def reason_label(self) -> str:
        return RETURN_REASONS.get(self.reason, self.reason)

    @property
    def status_label(self) -> str:
        return RETURN_STATUSES.get(self.status, self.status)


class Reassignment(Base):
    """Each time a subject's lead squad is named: at 交办 ('assign'), after an accepted return ('return'), by a
    leader's final decision ('final'), or by a plain 改派 / 转办 of the coordination section ('direct'). The
    latest row's `at` is when the squad's clock and its return window started."""

    __tablename__ = "reassignment"
    __table_args__ = (
        CheckConstraint("basis IN ('assign', 'return', 'final', 'direct')", name="basis_values"),
        Index("ix_reassignment_subject", "family", "subject_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    family: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[int] = mapped_column(Integer)
    from_squad_id: Mapped[int | None] = mapped_column(ForeignKey("squad.id"))
    to_squad_id: Mapped[int] = mapped_column(ForeignKey("squad.id"))
    basis: Mapped[str] = mapped_column(String(16))
    return_id: Mapped[int | None] = mapped_column(ForeignKey("jurisdiction_return.id"))
    reason: Mapped[str] = mapped_column(Text, default="")
    by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)

    from_squad: Mapped[Squad | None] = relationship(foreign_keys=[from_squad_id])
    to_squad: Mapped[Squad] = relationship(foreign_keys=[to_squad_id])
