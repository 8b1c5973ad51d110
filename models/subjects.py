"""What every family of supervised subjects shares: the clock columns, the cross-family projection that lists
and search read, CC (抄送), private follow-up dates, saved filters and the leader's 督办单 (supervision order)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime

LEVELS = ("blue", "yellow", "orange", "red")  # 蓝 normal → 黄 临期 → 橙 超期 → 红 (督办单)
LEVEL_LABELS = {"blue": "正常", "yellow": "临期", "orange": "超期", "red": "红色督办"}


class ClockMixin:
    """The clock of a subject (workflows.deadlines): its deadline and how it was set, the rule-book moment it
    follows, suspension, the alert ladder and its colour level, and counters kept in SQL."""

    deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    deadline_provisional: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    # 'rule' (from the rule book), 'given' (named by the instructing body or set at a step), 'extended'
    deadline_basis: Mapped[str] = mapped_column(String(16), default="rule", server_default="rule")
    base_deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # before any extension (caps)
    clock_rules_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the rule-book version it follows
    suspended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    alert_stage: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    next_alert_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    level: Mapped[str] = mapped_column(String(8), default="blue", server_default="blue")
    extension_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    urge_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    @property
    def level_label(self) -> str:
        return LEVEL_LABELS.get(self.level or "blue", "")


class Subject(Base):
    """One row per supervised subject of any family, rebuilt in the same transaction as every change to it:
    the cross-family lists (我登记的, 已办, 抄送我的), search and the API read this, never the family tables."""

    __tablename__ = "subject"
    __table_args__ = (
        UniqueConstraint("family", "subject_id", name="family_subject"),
        Index("ix_subject_status_deadline", "status", "deadline_at", "id"),
        Index("ix_subject_registered_by", "registered_by_id", "registered_at", "id"),
        Index("ix_subject_squad_status", "squad_id", "status"),
        # CJK substring search (LIKE '%…%') on PostgreSQL: a trigram index; SQLite scans, which is fine embedded.
        Index("ix_subject_search_trgm", "search_text", postgresql_using="gin",
              postgresql_ops={"search_text": "gin_trgm_ops"}).ddl_if(dialect="postgresql"),
        CheckConstraint("level IN ('blue', 'yellow', 'orange', 'red')", name="level_values"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    family: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(40), index=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(16))
    current_step_name: Mapped[str] = mapped_column(String(200), default="")
    squad_id: Mapped[int | None] = mapped_column(ForeignKey("squad.id"))
    handler_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deadline_provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    suspended: Mapped[bool] = mapped_column(Boolean, default=False)
    level: Mapped[str] = mapped_column(String(8), default="blue")
    search_text: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SubjectCc(Base):
    """抄送: a user given read-only sight of a subject, with the moment they first read it (read receipt)."""

    __tablename__ = "subject_cc"
    __table_args__ = (
        UniqueConstraint("family", "subject_id", "user_id", name="family_subject_user"),
        Index("ix_subject_cc_user", "user_id", "read_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    family: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[int] = mapped_column(Integer)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    cc_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    cc_at: Mapped[datetime] = mapped_column(UTCDateTime)
    note: Mapped[str] = mapped_column(String(500), default="")
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class FollowUp(Base):
    """跟进日期: a user's private date on an open step; when it arrives the step rises in their 待办."""

    __tablename__ = "follow_up"
    __table_args__ = (UniqueConstraint("task_uuid", "user_id", name="task_user"),
                      Index("ix_follow_up_due", "notified_at", "follow_up_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    task_uuid: Mapped[str] = mapped_column(String(36))
    family: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[int] = mapped_column(Integer)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    follow_up_at: Mapped[datetime] = mapped_column(UTCDateTime)
    note: Mapped[str] = mapped_column(String(200), default="")
    notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SavedFilter(Base):
    """A worklist filter a user saved under a name; shared ones are offered to everybody of the same unit."""

    __tablename__ = "saved_filter"
    __table_args__ = (UniqueConstraint("user_id", "list_name", "name", name="user_list_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    list_name: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(40))
    query: Mapped[str] = mapped_column(String(1000))
    shared: Mapped[bool] = mapped_column(Boolean, default=False)
    squad_id: Mapped[int | None] = mapped_column(ForeignKey("squad.id"))
    section_id: Mapped[int | None] = mapped_column(ForeignKey("section.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SupervisionOrder(Base):
    """督办单: issued in the bureau leaders' name when a subject turns red; the squad answers in writing."""

    __tablename__ = "supervision_order"
    __table_args__ = (
        UniqueConstraint("year", "seq", name="year_seq"),
        UniqueConstraint("family", "subject_id", "deadline_at", name="once_per_deadline"),
        CheckConstraint("status IN ('issued', 'answered')", name="status_values"),
        Index("ix_supervision_order_subject", "family", "subject_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    family: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[int] = mapped_column(Integer)
    squad_id: Mapped[int | None] = mapped_column(ForeignKey("squad.id"), index=True)
    deadline_at: Mapped[datetime] = mapped_column(UTCDateTime)  # the missed deadline it is about
    reason: Mapped[str] = mapped_column(String(300))
    instruction: Mapped[str] = mapped_column(Text, default="")  # a leader's written instruction, if any
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    answer_due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16), default="issued", index=True)
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ClosedRollup(Base):
    """Closed subjects per family, lead squad (0: none) and Shanghai month of closing: how many, how many on time
    (no deadline, or closed by it), how many late. Kept by database triggers on `subject` in the same statement as
    every change of a row's closing time, deadline, squad or family (migration 0019_rollups), so the dashboard
    reads squads × months rows while its drill-down lists the `subject` rows with the same counts."""

    __tablename__ = "closed_rollup"

    family: Mapped[str] = mapped_column(String(32), primary_key=True)
    squad_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)  # "YYYY-MM", Asia/Shanghai
    closed: Mapped[int] = mapped_column(Integer, default=0)
    on_time: Mapped[int] = mapped_column(Integer, default=0)
    late: Mapped[int] = mapped_column(Integer, default=0)
