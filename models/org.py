"""The organisation: sections, squads, users and their roles."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime


class Role(enum.StrEnum):
    COORDINATOR = "coordinator"  # 协调科科员
    SQUAD_LEADER = "squad_leader"  # 中队长
    SQUAD_MEMBER = "squad_member"  # 队员
    LEADER = "leader"  # 局领导
    SECTION_OFFICER = "section_officer"  # 法制科 / 督察科 科员
    SYSTEM_ADMIN = "system_admin"  # 系统管理员


ROLE_LABELS = {
    Role.COORDINATOR: "协调员",
    Role.SQUAD_LEADER: "中队长",
    Role.SQUAD_MEMBER: "中队队员",
    Role.LEADER: "局领导",
    Role.SECTION_OFFICER: "科室人员",
    Role.SYSTEM_ADMIN: "系统管理员",
}


class Section(Base):
    """A section of the bureau (科室): coordination, legal, inspection."""

    __tablename__ = "section"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)


class Squad(Base):
    """A street/town squad (街镇中队)."""

    __tablename__ = "squad"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    street: Mapped[str] = mapped_column(String(64))


class User(Base):
    __tablename__ = "user"
    __table_args__ = (
        CheckConstraint(
            "(role NOT IN ('squad_leader', 'squad_member')) OR squad_id IS NOT NULL", name="squad_role_has_squad"
        ),
        CheckConstraint(
            "(role NOT IN ('coordinator', 'section_officer')) OR section_id IS NOT NULL",
            name="section_role_has_section",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[Role] = mapped_column(
        Enum(Role, native_enum=False, length=32, values_callable=lambda e: [m.value for m in e])
    )
    squad_id: Mapped[int | None] = mapped_column(ForeignKey("squad.id"), index=True)
    section_id: Mapped[int | None] = mapped_column(ForeignKey("section.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    squad: Mapped[Squad | None] = relationship()
    section: Mapped[Section | None] = relationship()

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[self.role]

    @property
    def unit_name(self) -> str:
        unit = self.squad or self.section
        if unit is not None:
            return unit.name
        return "局领导" if self.role == Role.LEADER else "系统管理"
