"""Routine supervision (seed 二(一)–(四), 三(二)): the annual task list, inspection templates (versioned), inspection
rounds with their sampled targets, reviewers and score sheets, findings (each rectified as a supervised subject),
the case-file register and its imports, and supervisors' training sessions.

Scores (issue 12) read `finding`: one row per problem found, with its round, squad, person responsible, template
item, category, deduction and `confirmed_at` (NULL until the owner section confirms it)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime
from models.org import Section, Squad, User
from models.subjects import ClockMixin

FAMILY_ROUND = "inspection_round"
FAMILY_FINDING = "finding"

AREAS = {
    "law": "依法行政（案卷评查）",
    "systems": "重要制度落实",
    "key_work": "重点工作推进",
    "team": "队伍建设管理",
    "cases": "重点案（诉）件办理",
}
FREQUENCIES = {"monthly": "每月", "quarterly": "每季度", "half_yearly": "每半年", "annual": "每年", "ad_hoc": "不定期"}
METHODS = {"deduct": "按问题扣分（封顶）", "pass_fail": "合格/不合格", "scale": "等级评分"}
TARGET_KINDS = {"case_file": "执法案卷", "squad": "中队", "person": "人员", "place": "点位"}
TIERS = {"bureau": "局级检查", "squad": "三级督察"}
ROUND_STAGES = {"planning": "计划", "sampling": "抽样", "assigning": "分配评查人员", "reviewing": "评查中",
                  "confirming": "待确认", "rectifying": "整改中", "closed": "已完成"}
FINDING_STATUSES = {"draft": "待确认", "dismissed": "不予确认", "open": "整改中", "closed": "已销号"}
REVIEWER_ORGS = {"internal": "局内", "justice_bureau": "区司法局", "justice_office": "司法所",
                 "legal_adviser": "法律顾问"}


def _in(column: str, values) -> str:
    return f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")"


class InspectionTemplate(Base):
    """检查表: a named template; its items live in numbered versions, and a round freezes the version it used."""

    __tablename__ = "inspection_template"
    __table_args__ = (CheckConstraint(_in("area", AREAS), name="area_values"),
                      CheckConstraint(_in("target_kind", TARGET_KINDS), name="target_kind_values"))

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    area: Mapped[str] = mapped_column(String(16))
    target_kind: Mapped[str] = mapped_column(String(16))
    current_version: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    versions: Mapped[list[TemplateVersion]] = relationship(back_populates="template",
                                                           order_by="TemplateVersion.version")


class TemplateVersion(Base):
    __tablename__ = "template_version"
    __table_args__ = (UniqueConstraint("template_id", "version", name="uq_template_version_no"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("inspection_template.id"))
    version: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(String(200), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    template: Mapped[InspectionTemplate] = relationship(back_populates="versions")
    items: Mapped[list[TemplateItem]] = relationship(back_populates="version", order_by="TemplateItem.seq",
                                                     cascade="all, delete-orphan")

    @property
    def full_points(self) -> Decimal:
        return sum((i.points for i in self.items), Decimal(0))


class TemplateItem(Base):
    """One line of a template: a deduction per finding up to a cap, pass/fail, or a scale of 0..scale_max."""

    __tablename__ = "template_item"
    __table_args__ = (
        UniqueConstraint("version_id", "seq", name="uq_template_item_seq"),
        CheckConstraint(_in("method", METHODS), name="method_values"),
        CheckConstraint("points > 0", name="points_positive"),
        CheckConstraint("method != 'deduct' OR (deduction > 0 AND cap > 0 AND cap <= points)", name="deduct_rule"),
        CheckConstraint("method != 'scale' OR scale_max >= 2", name="scale_rule"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("template_version.id"))
    seq: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(String(300))
    method: Mapped[str] = mapped_column(String(16))
    points: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    deduction: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    cap: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    scale_max: Mapped[int | None] = mapped_column(Integer)
    categories: Mapped[list[str]] = mapped_column(JSON, default=list)

    version: Mapped[TemplateVersion] = relationship(back_populates="items")

    @property
    def method_label(self) -> str:
        return METHODS[self.method]


class InspectionTask(Base):
    """One line of the annual supervision task list (年度执法监督工作任务清单)."""

    __tablename__ = "inspection_task"
    __table_args__ = (
        UniqueConstraint("year", "seq", name="uq_inspection_task_year_seq"),
        CheckConstraint(_in("area", AREAS), name="area_values"),
        CheckConstraint(_in("frequency", FREQUENCIES), name="frequency_values"),
        CheckConstraint("due_days > 0 AND sample_size >= 0", name="positive_rules"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    area: Mapped[str] = mapped_column(String(16))
    content: Mapped[str] = mapped_column(String(300))
    measures: Mapped[str] = mapped_column(Text, default="")
    frequency: Mapped[str] = mapped_column(String(16))
    owner_section_id: Mapped[int] = mapped_column(ForeignKey("section.id"))
    template_id: Mapped[int] = mapped_column(ForeignKey("inspection_template.id"))
    due_days: Mapped[int] = mapped_column(Integer, default=10)  # working days from the period's start
    sample_size: Mapped[int] = mapped_column(Integer, default=0)  # per squad; 0 = every squad as a target
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    owner_section: Mapped[Section] = relationship()
    template: Mapped[InspectionTemplate] = relationship()

    @property
    def frequency_label(self) -> str:
        return FREQUENCIES[self.frequency]


class InspectionRound(ClockMixin, Base):
    """检查轮次: one inspection of a period with one frozen template version — by the bureau (its owner section)
    or by a squad's own inspector (三级督察, on that squad only)."""

    __tablename__ = "inspection_round"
    __table_args__ = (
        # the scheduler opens a period once
        UniqueConstraint("task_id", "period", name="uq_inspection_round_task_period"),
        CheckConstraint(_in("tier", TIERS), name="tier_values"),
        CheckConstraint("status IN ('open', 'closed')", name="status_values"),
        CheckConstraint(_in("stage", ROUND_STAGES), name="stage_values"),
        CheckConstraint("tier != 'squad' OR squad_id IS NOT NULL", name="squad_round_has_squad"),
        CheckConstraint("tier != 'bureau' OR owner_section_id IS NOT NULL", name="bureau_round_has_owner"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    task_id: Mapped[int | None] = mapped_column(ForeignKey("inspection_task.id"), index=True)
    template_version_id: Mapped[int] = mapped_column(ForeignKey("template_version.id"))
    tier: Mapped[str] = mapped_column(String(8), default="bureau")
    owner_section_id: Mapped[int | None] = mapped_column(ForeignKey("section.id"))
    squad_id: Mapped[int | None] = mapped_column(ForeignKey("squad.id"), index=True)  # squad-level rounds
    period: Mapped[str] = mapped_column(String(16))  # 2026-03, 2026-Q1, 2026-H1, 2026, or a day for ad hoc
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    scope: Mapped[str] = mapped_column(Text, default="")
    squad_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    sample_size: Mapped[int] = mapped_column(Integer, default=0)
    seed: Mapped[int | None] = mapped_column(Integer)
    include_reviewed: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)  # its own steps (the toolkit)
    stage: Mapped[str] = mapped_column(String(16), default="planning", index=True)  # incl. its rectification
    current_step_name: Mapped[str] = mapped_column(String(64), default="")
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"))

    task: Mapped[InspectionTask | None] = relationship()
    template_version: Mapped[TemplateVersion] = relationship()
    owner_section: Mapped[Section | None] = relationship()
    squad: Mapped[Squad | None] = relationship()
    opened_by: Mapped[User | None] = relationship()
    targets: Mapped[list[RoundTarget]] = relationship(back_populates="round", order_by="RoundTarget.seq")

    @property
    def stage_label(self) -> str:
        return ROUND_STAGES[self.stage]

    @property
    def tier_label(self) -> str:
        return TIERS[self.tier]


class RoundReviewer(Base):
    """A reviewer of a round: internal staff or an invited external one (a guest account confined to the round
    and deactivated when the round's review is confirmed)."""

    __tablename__ = "round_reviewer"
    __table_args__ = (UniqueConstraint("round_id", "user_id", name="uq_round_reviewer_user"),
                      CheckConstraint(_in("organisation", REVIEWER_ORGS), name="organisation_values"))

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("inspection_round.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    organisation: Mapped[str] = mapped_column(String(16), default="internal")
    guest: Mapped[bool] = mapped_column(Boolean, default=False)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # guests: set when the round's review ends

    user: Mapped[User] = relationship()

    @property
    def organisation_label(self) -> str:
        return REVIEWER_ORGS[self.organisation]


class CaseFileImport(Base):
    """One import of the city case system's .xlsx export; a file (by content hash) is never imported twice."""

    __tablename__ = "case_file_import"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    filename: Mapped[str] = mapped_column(String(255))
    imported_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime)
    rows_total: Mapped[int] = mapped_column(Integer, default=0)
    rows_added: Mapped[int] = mapped_column(Integer, default=0)
    rows_updated: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)  # [{"row": 7, "message": ...}]

    imported_by: Mapped[User] = relationship()


class CaseFile(Base):
    """案卷: an enforcement case file of the register (from the city's online case system)."""

    __tablename__ = "case_file"
    __table_args__ = (CheckConstraint("penalty_amount >= 0", name="penalty_not_negative"),
                      Index("ix_case_file_squad_decided", "squad_id", "decided_on", "id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    case_number: Mapped[str] = mapped_column(String(40), unique=True)
    squad_id: Mapped[int] = mapped_column(ForeignKey("squad.id"))
    handler_name: Mapped[str] = mapped_column(String(64))
    handler_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))  # when the name matches a squad user
    case_type: Mapped[str] = mapped_column(String(64))
    legal_review: Mapped[bool] = mapped_column(Boolean, default=False)  # 重大执法决定法制审核
    decided_on: Mapped[date | None] = mapped_column(Date)
    penalty_amount: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=0)
    status: Mapped[str] = mapped_column(String(32))
    import_id: Mapped[int | None] = mapped_column(ForeignKey("case_file_import.id"))

    squad: Mapped[Squad] = relationship()


class RoundTarget(Base):
    """A sampled target of a round: a case file, a squad, a person or a place; reviewed by one reviewer."""

    __tablename__ = "round_target"
    __table_args__ = (UniqueConstraint("round_id", "seq", name="uq_round_target_seq"),
                      UniqueConstraint("round_id", "case_file_id", name="uq_round_target_case_file"),
                      CheckConstraint(_in("kind", TARGET_KINDS), name="kind_values"))

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("inspection_round.id"))
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    case_file_id: Mapped[int | None] = mapped_column(ForeignKey("case_file.id"), index=True)
    squad_id: Mapped[int] = mapped_column(ForeignKey("squad.id"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    label: Mapped[str] = mapped_column(String(200))
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    score: Mapped[Decimal | None] = mapped_column(Numeric(7, 2))
    marks: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # item id -> {"passed"/"rating"/"count"}
    comment: Mapped[str] = mapped_column(Text, default="")
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    round: Mapped[InspectionRound] = relationship(back_populates="targets")
    case_file: Mapped[CaseFile | None] = relationship()
    squad: Mapped[Squad] = relationship()
    reviewer: Mapped[User | None] = relationship(foreign_keys=[reviewer_id])


class Finding(ClockMixin, Base):
    """A problem found on a target (检查发现问题); once confirmed it is rectified by its squad as a supervised
    subject of the `finding` family (process `rectification`: rectify → verify → close, or return)."""

    __tablename__ = "finding"
    __table_args__ = (
        CheckConstraint(_in("status", FINDING_STATUSES), name="status_values"),
        CheckConstraint("deduction >= 0", name="deduction_not_negative"),
        CheckConstraint("status IN ('draft', 'dismissed') OR confirmed_at IS NOT NULL", name="confirmed_has_time"),
        Index("ix_finding_squad_confirmed", "squad_id", "confirmed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str | None] = mapped_column(String(32), unique=True)  # given at confirmation
    round_id: Mapped[int] = mapped_column(ForeignKey("inspection_round.id"), index=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("round_target.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("template_item.id"))
    squad_id: Mapped[int] = mapped_column(ForeignKey("squad.id"))
    responsible_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)  # person responsible
    category: Mapped[str] = mapped_column(String(64))
    description: Mapped[str] = mapped_column(Text)
    deduction: Mapped[Decimal] = mapped_column(Numeric(6, 2), default=0)  # after the item's cap
    video_url: Mapped[str] = mapped_column(String(500), default="")
    video_at: Mapped[str] = mapped_column(String(16), default="")  # position in the video, e.g. 00:12:30
    status: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    current_step_name: Mapped[str] = mapped_column(String(64), default="")
    found_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    found_at: Mapped[datetime] = mapped_column(UTCDateTime)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    rectification: Mapped[str] = mapped_column(Text, default="")  # the squad's latest reply
    rectified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    returned_count: Mapped[int] = mapped_column(Integer, default=0)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"))

    round: Mapped[InspectionRound] = relationship()
    target: Mapped[RoundTarget] = relationship()
    item: Mapped[TemplateItem] = relationship()
    squad: Mapped[Squad] = relationship()
    responsible: Mapped[User | None] = relationship(foreign_keys=[responsible_id])

    @property
    def status_label(self) -> str:
        return FINDING_STATUSES[self.status]


class TrainingSession(Base):
    """执法监督人员专题培训 (bureau) or a squad's own training, with its attendees."""

    __tablename__ = "training_session"
    __table_args__ = (CheckConstraint(_in("tier", TIERS), name="tier_values"),
                      CheckConstraint("tier != 'squad' OR squad_id IS NOT NULL", name="squad_has_squad"))

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    held_on: Mapped[date] = mapped_column(Date, index=True)
    tier: Mapped[str] = mapped_column(String(8))
    squad_id: Mapped[int | None] = mapped_column(ForeignKey("squad.id"), index=True)
    hours: Mapped[Decimal] = mapped_column(Numeric(4, 1), default=Decimal("2.0"))
    content: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)

    squad: Mapped[Squad | None] = relationship()
    attendees: Mapped[list[TrainingAttendee]] = relationship(cascade="all, delete-orphan")


class TrainingAttendee(Base):
    __tablename__ = "training_attendee"

    session_id: Mapped[int] = mapped_column(ForeignKey("training_session.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), primary_key=True)

    user: Mapped[User] = relationship()
