"""User administration by the system administrator: create, change, deactivate, reset passwords."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.org import ADMIN_ROLES, Role, Section, Squad, User
from workflows import audit, passwords, sessions
from workflows.access import SQUAD_ROLES
from workflows.errors import InvalidInput, NotFound, PermissionDenied

SECTION_ROLES = {Role.COORDINATOR, Role.SECTION_OFFICER}


@dataclass
class UserData:
    username: str
    name: str
    roles: list[Role]
    squad_id: int | None = None
    section_id: int | None = None
    active: bool = True

    def has(self, *roles: Role) -> bool:
        return any(r in self.roles for r in roles)


def locked(session: Session, user_id: int) -> User | None:
    """The user's row, locked: every entry on a user's audit chain (log-in, log-out, changes, exports) is
    written under this lock, so simultaneous actions queue instead of colliding on the chain's seq."""
    return session.scalar(select(User).where(User.id == user_id).with_for_update())


def _require_admin(actor: User) -> None:
    if not actor.has(Role.SYSTEM_ADMIN):
        raise PermissionDenied("只有系统管理员可以管理用户")


def _check_inspection_roles(data: UserData) -> None:
    """三级督察: the bureau names a squad leader in charge and squad inspectors from the squad's own people."""
    if data.has(Role.INSPECTION_LEAD) and not data.has(Role.SQUAD_LEADER):
        raise InvalidInput("三级督察负责人须由中队长担任", "roles")
    if data.has(Role.SQUAD_INSPECTOR) and not data.has(*SQUAD_ROLES):
        raise InvalidInput("三级督察员须为本中队的中队长或队员", "roles")
    if data.has(Role.GUEST_REVIEWER) and len(data.roles) > 1:
        raise InvalidInput("外部评查人员账号不能兼任其他角色", "roles")


def _protect_other_admins(actor: User, user: User) -> None:
    """The system administrator cannot take over the security administrator's or auditor's account."""
    if user.has(Role.SECURITY_ADMIN, Role.SECURITY_AUDITOR) and not actor.has(Role.SECURITY_ADMIN):
        raise PermissionDenied("安全管理员、安全审计员的账户不由系统管理员修改或重置密码（由运维用命令行处理）")


def _check_admin_roles(actor: User | None, before: set[Role], after: set[Role]) -> None:
    """Granting or removing a 三员 role is the security administrator's (or the operator's CLI), never the system
    administrator's: the one who manages accounts cannot make himself, or anyone, an auditor or security admin."""
    changed = (before ^ after) & ADMIN_ROLES
    if changed and actor is not None and not actor.has(Role.SECURITY_ADMIN):
        raise InvalidInput("三员角色只能由安全管理员授予或撤销", "roles")


def _check_unit(session: Session, data: UserData) -> None:
    if not data.roles:
        raise InvalidInput("请至少选择一个角色", "roles")
    _check_inspection_roles(data)
    if data.has(*ADMIN_ROLES) and len(data.roles) > 1:
        raise InvalidInput("三员角色（系统管理员、安全管理员、安全审计员）只能单独担任，不能兼任其他角色", "roles")
    if data.has(*SQUAD_ROLES) and data.has(*SECTION_ROLES):
        raise InvalidInput("中队角色和科室角色不能同时担任（所属单位只能有一个）", "roles")
    if data.has(*SQUAD_ROLES):
        if data.squad_id is None or session.get(Squad, data.squad_id) is None:
            raise InvalidInput("中队长和队员必须选择所属中队", "squad_id")
        data.section_id = None
    elif data.has(*SECTION_ROLES):
        if data.section_id is None or session.get(Section, data.section_id) is None:
            raise InvalidInput("协调科和科室人员必须选择所属科室", "section_id")
        data.squad_id = None
    else:
        data.squad_id = data.section_id = None
    if data.has(Role.COORDINATOR):
        section = session.get(Section, data.section_id)
        if section.code != "coordination":
            raise InvalidInput("协调员必须属于协调科", "section_id")


def _role_values(roles) -> list[str]:
    return sorted(r.value for r in roles)


def create_user(session: Session, *, actor: User | None, now: datetime, data: UserData, password: str,
                policy: passwords.Policy = passwords.Policy()) -> User:
    """A new user who must change the initial password at the first log-in. `actor=None` is the operator's
    `flask create-user` on the server."""
    if actor is not None:
        _require_admin(actor)
    username = data.username.strip()
    if session.scalar(select(User.id).where(User.username == username)):
        raise InvalidInput("该用户名已存在", "username")
    _check_unit(session, data)
    _check_admin_roles(actor, set(), set(data.roles))
    passwords.check(session, policy, username=username, password=password)
    user = User(username=username, name=data.name.strip(), roles=data.roles, squad_id=data.squad_id,
                section_id=data.section_id, active=data.active, password_hash="", created_at=now)
    session.add(user)
    session.flush()
    passwords.store(session, user, password, now=now, must_change=True)
    audit.record(session, actor=actor, now=now, family="user", subject_id=user.id, action="create_user",
                 summary=f"创建用户 {username}（{user.role_label}）")
    return user


def update_user(session: Session, *, actor: User, now: datetime, user_id: int, data: UserData) -> User:
    _require_admin(actor)
    user = locked(session, user_id)
    if user is None:
        raise NotFound("用户不存在")
    if user.id == actor.id and (not data.active or not data.has(Role.SYSTEM_ADMIN)):
        raise InvalidInput("不能停用自己或取消自己的管理员角色", "active")
    _protect_other_admins(actor, user)
    _check_unit(session, data)
    _check_admin_roles(actor, set(user.roles), set(data.roles))
    before = {"name": user.name, "roles": _role_values(user.roles), "squad_id": user.squad_id,
              "section_id": user.section_id, "active": user.active}
    user.name, user.roles, user.active = data.name.strip(), data.roles, data.active
    user.squad_id, user.section_id = data.squad_id, data.section_id
    after = {"name": user.name, "roles": _role_values(user.roles), "squad_id": user.squad_id,
             "section_id": user.section_id, "active": user.active}
    changed = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    if not user.active:
        sessions.end_all(session, user.id, now, "deactivated")
    audit.record(session, actor=actor, now=now, family="user", subject_id=user.id,
                 action="role_change" if "roles" in changed else "update_user",
                 summary=f"修改用户 {user.username}" + ("（角色变更）" if "roles" in changed else ""),
                 details={"changed": changed})
    return user


def reset_password(session: Session, *, actor: User, now: datetime, user_id: int, password: str,
                   policy: passwords.Policy = passwords.Policy()) -> User:
    """An administrator's reset: the user must change it at the next log-in, and every session ends."""
    _require_admin(actor)
    user = locked(session, user_id)
    if user is None:
        raise NotFound("用户不存在")
    _protect_other_admins(actor, user)
    passwords.check(session, policy, username=user.username, password=password, user=user)
    passwords.store(session, user, password, now=now, must_change=True)
    sessions.end_all(session, user.id, now, "password_reset")
    audit.record(session, actor=actor, now=now, family="user", subject_id=user.id, action="reset_password",
                 summary=f"重置用户 {user.username} 的密码")
    return user


def change_own_password(session: Session, *, actor: User, now: datetime, current: str, password: str,
                        policy: passwords.Policy = passwords.Policy()) -> User:
    """The user's own change (self-service, forced at first log-in, after a reset and on expiry)."""
    locked(session, actor.id)
    if not passwords.verify(actor.password_hash, current):
        raise InvalidInput("当前密码不正确", "current")
    passwords.check(session, policy, username=actor.username, password=password, user=actor)
    passwords.store(session, actor, password, now=now, must_change=False)
    sessions.end_all(session, actor.id, now, "password_changed")  # the view starts a fresh one for this browser
    audit.record(session, actor=actor, now=now, family="user", subject_id=actor.id, action="change_password",
                 summary="修改本人密码")
    return actor
