"""Log-in: the password check with equal work for unknown users, the account lockout and the per-address
slowdown. Both counts live in the database, so they hold across gunicorn workers and restarts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.org import Role, User
from models.security import LoginAttempt
from workflows import audit, passwords
from workflows.errors import DomainError, NotFound, PermissionDenied

REFUSED = "用户名或密码错误；连续多次失败的账户会被暂时锁定，请稍后再试或联系安全管理员"
SLOW_DOWN = "该地址登录失败次数过多，请稍后再试"


@dataclass(frozen=True)
class Limits:
    threshold: int = 5  # failures ...
    window: timedelta = timedelta(minutes=15)  # ... within this time ...
    lock: timedelta = timedelta(minutes=30)  # ... lock the account this long
    address_failures: int = 20  # failures from one client address within `window` before it is slowed down


class LoginRefused(DomainError):
    status = 200  # the log-in page again, with the neutral message


class SlowDown(DomainError):
    status = 429


def _address_failures(session: Session, address: str, since: datetime) -> int:
    return session.scalar(select(func.count(LoginAttempt.id)).where(
        LoginAttempt.address == address, LoginAttempt.at >= since, LoginAttempt.success.is_(False))) or 0


def authenticate(session: Session, *, username: str, password: str, address: str, now: datetime,
                 limits: Limits = Limits()) -> User:
    """The user whose password this is, or LoginRefused with one message for every failure (unknown user,
    wrong password, locked, inactive). Every attempt is recorded and audited in the caller's transaction."""
    username = username.strip()[:64]
    if _address_failures(session, address, now - limits.window) >= limits.address_failures:
        _attempt(session, username, address, now, success=False)
        audit.record(session, actor=None, now=now, family="security", subject_id=0, action="login_throttled",
                     outcome="refused", summary=f"登录被限速：{username}", details={"address": address})
        raise SlowDown(SLOW_DOWN)
    user = session.execute(select(User).where(User.username == username).with_for_update()).scalar()
    ok = passwords.verify(user.password_hash if user is not None else None, password)
    if user is None or not user.usable(now):
        _attempt(session, username, address, now, success=False)
        audit.record(session, actor=None, now=now, family="security", subject_id=0, action="login_failed",
                     outcome="failure", summary=f"登录失败：{username}",
                     details={"username": username, "address": address,
                              "reason": "unknown" if user is None else "inactive"})
        raise LoginRefused(REFUSED)
    locked = user.locked_until is not None and user.locked_until > now
    if locked or not ok:
        _attempt(session, username, address, now, success=False)
        _failed(session, user, address, now, limits, locked)
        raise LoginRefused(REFUSED)
    user.failed_logins, user.failed_since, user.locked_until = 0, None, None
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.make_hash(password)
    _attempt(session, username, address, now, success=True)
    audit.record(session, actor=user, now=now, family="user", subject_id=user.id, action="login",
                 summary="登录系统", details={"address": address})
    return user


def _attempt(session: Session, username: str, address: str, now: datetime, *, success: bool) -> None:
    session.add(LoginAttempt(at=now, username=username, address=address[:64], success=success))
    session.flush()


def _failed(session: Session, user: User, address: str, now: datetime, limits: Limits, locked: bool) -> None:
    if user.failed_since is None or now - user.failed_since > limits.window:
        user.failed_logins, user.failed_since = 0, now
    user.failed_logins += 1
    audit.record(session, actor=None, now=now, family="user", subject_id=user.id, action="login_failed",
                 outcome="failure", summary="登录失败" + ("（账户已锁定）" if locked else "（密码错误）"),
                 details={"address": address, "failures": user.failed_logins})
    if not locked and user.failed_logins >= limits.threshold:
        user.locked_until = now + limits.lock
        audit.record(session, actor=None, now=now, family="user", subject_id=user.id, action="lockout",
                     outcome="failure",
                     summary=f"连续{user.failed_logins}次登录失败，账户锁定至 {user.locked_until:%Y-%m-%d %H:%M} UTC",
                     details={"address": address, "until": user.locked_until.isoformat()})


def locked_users(session: Session, now: datetime) -> list[User]:
    return list(session.scalars(select(User).where(User.locked_until > now).order_by(User.locked_until, User.id)))


def unlock(session: Session, *, actor: User, now: datetime, user_id: int, address: str = "") -> User:
    """The security administrator lifts a lockout (audited)."""
    if not actor.has(Role.SECURITY_ADMIN):
        raise PermissionDenied("只有安全管理员可以解锁账户")
    user = session.scalar(select(User).where(User.id == user_id).with_for_update())
    if user is None:
        raise NotFound("用户不存在")
    user.failed_logins, user.failed_since, user.locked_until = 0, None, None
    audit.record(session, actor=actor, now=now, family="user", subject_id=user.id, action="unlock",
                 summary=f"解除账户 {user.username} 的锁定", details={"address": address})
    return user
