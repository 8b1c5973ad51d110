"""The organisation: sections, squads, users and their roles."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Boolean, Enum, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime


class Role(enum.StrEnum):
    COORDINATOR = "coordinator"  # 协调科科员
    SQUAD_LEADER = "squad_leader"  # 中队长
    SQUAD_MEMBER = "squad_member"  # 队员
    LEADER = "leader"  # 局领导
    SECTION_OFFICER = "section_officer"  # 法制科 / 督察科 科员
    INSPECTION_LEAD = "inspection_lead"  # 三级督察负责人 (the squad leader in charge, named by the bureau)
    SQUAD_INSPECTOR = "squad_inspector"  # 三级督察员 (inspects their own squad)
    GUEST_REVIEWER = "guest_reviewer"  # 外部评查人员 (区司法局, 司法所, 法律顾问: their round only)
    SYSTEM_ADMIN = "system_admin"  # 系统管理员: users, units, calendar, rules, BPMN versions
    SECURITY_ADMIN = "security_admin"  # 安全管理员: roles, lockouts, password policy, sessions
    SECURITY_AUDITOR = "security_auditor"  # 安全审计员: reads and exports the audit and security logs


ROLE_LABELS = {
    Role.COORDINATOR: "协调员",
    Role.SQUAD_LEADER: "中队长",
    Role.SQUAD_MEMBER: "中队队员",
    Role.LEADER: "局领导",
    Role.SECTION_OFFICER: "科室人员",
    Role.SYSTEM_ADMIN: "系统管理员",
    Role.INSPECTION_LEAD: "三级督察负责人",
    Role.SQUAD_INSPECTOR: "三级督察员",
    Role.GUEST_REVIEWER: "外部评查人员",
    Role.SECURITY_ADMIN: "安全管理员",
    Role.SECURITY_AUDITOR: "安全审计员",
}
ADMIN_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.SECURITY_AUDITOR})  # 三员: no case content


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


class UserRole(Base):
    """One role a user holds; a user may hold several (a squad member who is also the squad's inspector)."""

    __tablename__ = "user_role"

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[Role] = mapped_column(
        Enum(Role, native_enum=False, length=32, values_callable=lambda e: [m.value for m in e]), primary_key=True
    )


# Display order: the first role a user holds names them in the header and lists.
ROLE_ORDER = list(Role)


class User(Base):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    password_hash: Mapped[str] = mapped_column(String(256))
    squad_id: Mapped[int | None] = mapped_column(ForeignKey("squad.id"), index=True)
    section_id: Mapped[int | None] = mapped_column(ForeignKey("section.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    failed_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # an account for a while (guest reviewers)

    squad: Mapped[Squad | None] = relationship()
    section: Mapped[Section | None] = relationship()
    role_rows: Mapped[list[UserRole]] = relationship(lazy="selectin", cascade="all, delete-orphan",
                                                     order_by=UserRole.role)

    def __init__(self, *, roles: Iterable[Role] = (), role: Role | None = None, **kw):
        super().__init__(**kw)
        self.roles = [role] if role is not None else list(roles)

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(Role(r.role) for r in self.role_rows)

    @roles.setter
    def roles(self, wanted: Iterable[Role]) -> None:
        wanted = {Role(r) for r in wanted}
        self.role_rows = [r for r in self.role_rows if Role(r.role) in wanted] + [
            UserRole(role=r) for r in sorted(wanted - self.roles, key=ROLE_ORDER.index)]

    def usable(self, now: datetime) -> bool:
        """May the account log in and act at `now`: active and not past its expiry."""
        return self.active and (self.expires_at is None or now < self.expires_at)

    def has(self, *roles: Role | str) -> bool:
        """Does the user hold any of these roles? (Role values or their strings, e.g. in templates.)"""
        held = self.roles
        return any(Role(r) in held for r in roles)

    @property
    def role(self) -> Role | None:
        """The first role held, in display order (for labels; permission checks use `has`)."""
        held = self.roles
        return next((r for r in ROLE_ORDER if r in held), None)

    @property
    def role_label(self) -> str:
        held = self.roles
        return "、".join(ROLE_LABELS[r] for r in ROLE_ORDER if r in held)

    @property
    def unit_name(self) -> str:
        unit = self.squad or self.section
        if unit is not None:
            return unit.name
        if self.has(Role.LEADER):
            return "局领导"
        return "安全管理" if self.has(Role.SECURITY_ADMIN, Role.SECURITY_AUDITOR) else "系统管理"
