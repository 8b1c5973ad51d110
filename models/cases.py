"""Major-case supervision (重大案件督办): the case, its supervision records, the five points and the letters."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    Enum,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime
from models.org import Squad, User
from models.subjects import ClockMixin

FAMILY_MAJOR_CASE = "major_case"


class SupervisionForm(enum.StrEnum):
    LETTER = "letter"  # 文函督办
    ONSITE = "onsite"  # 现场督办
    MEETING = "meeting"  # 会议督办
    PHONE = "phone"  # 电话督办

    @property
    def label(self) -> str:
        return FORM_LABELS[self]


FORM_LABELS = {
    SupervisionForm.LETTER: "文函督办",
    SupervisionForm.ONSITE: "现场督办",
    SupervisionForm.MEETING: "会议督办",
    SupervisionForm.PHONE: "电话督办",
}


class CasePoint(enum.StrEnum):
    """The five points of focus named in the work plan, in its order."""

    FILING = "filing"  # 受理立案
    DETERMINATION = "determination"  # 违法行为认定
    LAW = "law"  # 法律适用
    PROCEDURE = "procedure"  # 办理程序
    PENALTY = "penalty"  # 处罚及移送

    @property
    def label(self) -> str:
        return POINT_LABELS[self]


POINT_LABELS = {
    CasePoint.FILING: "受理立案",
    CasePoint.DETERMINATION: "违法行为认定",
    CasePoint.LAW: "法律适用",
    CasePoint.PROCEDURE: "办理程序",
    CasePoint.PENALTY: "处罚及移送",
}
RESULT_LABELS = {"ok": "符合", "problem": "存在问题"}
STAGE_LABELS = {
    "filed": "立案", "investigating": "调查取证", "notified": "告知", "decided": "作出处罚决定",
    "executing": "执行", "closed": "结案", "transferred": "移送",
}


class CaseStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"


def _str_enum(cls, length: int = 16):
    return Enum(cls, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e])


class MajorCase(ClockMixin, Base):
    """A law-enforcement case under supervision: case data, the chosen forms and the state of supervision."""

    __tablename__ = "major_case"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'closed')", name="status_values"),
        CheckConstraint("status = 'open' OR closed_at IS NOT NULL", name="closed_has_time"),
        CheckConstraint("forms <> ''", name="has_form"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    case_number: Mapped[str] = mapped_column(String(64), default="")  # 网上办案系统案件编号
    title: Mapped[str] = mapped_column(String(200))
    parties: Mapped[str] = mapped_column(String(300), default="")
    violation: Mapped[str] = mapped_column(Text)
    stage: Mapped[str] = mapped_column(String(32), default="")
    social_impact: Mapped[bool] = mapped_column(Boolean, default=False)
    forms: Mapped[str] = mapped_column(String(64))  # comma-separated SupervisionForm values
    squad_id: Mapped[int] = mapped_column(ForeignKey("squad.id"), index=True)
    handler_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    matters: Mapped[str] = mapped_column(Text, default="")  # 督办事项
    status: Mapped[str] = mapped_column(_str_enum(CaseStatus), default=CaseStatus.OPEN, index=True)
    current_step_name: Mapped[str] = mapped_column(String(64), default="")
    return_count: Mapped[int] = mapped_column(Integer, default=0)
    registered_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"))

    squad: Mapped[Squad] = relationship()
    handler: Mapped[User | None] = relationship(foreign_keys=[handler_id])
    registered_by: Mapped[User] = relationship(foreign_keys=[registered_by_id])

    @property
    def form_list(self) -> list[SupervisionForm]:
        return [SupervisionForm(f) for f in self.forms.split(",") if f]

    @property
    def form_labels(self) -> str:
        return "、".join(f.label for f in self.form_list)


class SupervisionRecord(Base):
    """The record of one on-site visit, meeting or phone call (the letter has its own table)."""

    __tablename__ = "case_supervision_record"
    __table_args__ = (CheckConstraint("form IN ('onsite', 'meeting', 'phone')", name="form_values"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("major_case.id"), index=True)
    form: Mapped[str] = mapped_column(String(16))
    held_at: Mapped[datetime] = mapped_column(UTCDateTime)
    people: Mapped[str] = mapped_column(String(300))  # 参加人员 / 与会人员 / 通话对象
    content: Mapped[str] = mapped_column(Text)  # 发现情况 / 会议纪要 / 通话内容
    decisions: Mapped[str] = mapped_column(Text, default="")  # 会议决定事项
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)

    recorded_by: Mapped[User] = relationship()

    @property
    def form_label(self) -> str:
        return FORM_LABELS[SupervisionForm(self.form)]


class PointCheck(Base):
    """One of the five points of a case: the finding, the legal section's opinion and the squad's answer."""

    __tablename__ = "case_point_check"
    __table_args__ = (
        UniqueConstraint("case_id", "point", name="uq_case_point_check_case_point"),
        CheckConstraint("result IS NULL OR result IN ('ok', 'problem')", name="result_values"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("major_case.id"), index=True)
    point: Mapped[str] = mapped_column(_str_enum(CasePoint, 16))
    result: Mapped[str | None] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    legal_question: Mapped[str] = mapped_column(Text, default="")
    legal_opinion: Mapped[str] = mapped_column(Text, default="")
    answer: Mapped[str] = mapped_column(Text, default="")  # 中队答复
    rectified: Mapped[bool] = mapped_column(Boolean, default=False)
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def point_label(self) -> str:
        return POINT_LABELS[CasePoint(self.point)]

    @property
    def result_label(self) -> str:
        return RESULT_LABELS.get(self.result or "", "未审查")


class SupervisionLetter(Base):
    """督办函: a numbered official document generated from the case record."""

    __tablename__ = "case_letter"
    __table_args__ = (UniqueConstraint("year", "seq", name="uq_case_letter_year_seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("major_case.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    issuer: Mapped[str] = mapped_column(String(100))
    recipient: Mapped[str] = mapped_column(String(100))
    matters: Mapped[str] = mapped_column(Text)
    findings: Mapped[str] = mapped_column(Text)  # the points found, one per line
    deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    issued_on: Mapped[date] = mapped_column(Date)
    issued_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime)

    issued_by: Mapped[User] = relationship()
