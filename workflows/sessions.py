"""Server-side sessions: the cookie carries a random token, the table its SHA-256, when it started, when it
was last used and when and why it ended. Log-out ends one; a password change or reset ends all of a user's."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from models.org import Role, User
from models.security import UserSession
from workflows import audit
from workflows.errors import NotFound, PermissionDenied

TOUCH_EVERY = timedelta(seconds=60)  # last_seen_at is written at most once a minute per session


@dataclass(frozen=True)
class Lifetimes:
    idle: timedelta = timedelta(minutes=15)
    absolute: timedelta = timedelta(hours=12)


def _id(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(session: Session, user: User, now: datetime, address: str) -> str:
    """A new session for a log-in; the token goes into the cookie (a new one at every log-in)."""
    token = secrets.token_urlsafe(32)
    session.add(UserSession(id=_id(token), user_id=user.id, created_at=now, last_seen_at=now, address=address[:64]))
    session.flush()
    return token


def check(session: Session, token: str | None, now: datetime, lifetimes: Lifetimes) -> int | None:
    """The user id of a live session, or None (unknown, ended, idle too long, too old: then it is ended)."""
    row = session.get(UserSession, _id(token)) if token else None
    if row is None or row.ended_at is not None:
        return None
    if now - row.last_seen_at > lifetimes.idle:
        _end(row, now, "idle")
        return None
    if now - row.created_at > lifetimes.absolute:
        _end(row, now, "expired")
        return None
    if now - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = now
    return row.user_id


def _end(row: UserSession, now: datetime, reason: str) -> None:
    row.ended_at, row.end_reason = now, reason


def end(session: Session, token: str | None, now: datetime, reason: str = "logout") -> None:
    row = session.get(UserSession, _id(token)) if token else None
    if row is not None and row.ended_at is None:
        _end(row, now, reason)


def end_all(session: Session, user_id: int, now: datetime, reason: str) -> int:
    """End every live session of the user (password change or reset, deactivation)."""
    result = session.execute(update(UserSession).where(UserSession.user_id == user_id, UserSession.ended_at.is_(None))
                             .values(ended_at=now, end_reason=reason).execution_options(synchronize_session=False))
    return result.rowcount or 0


def live(session: Session, now: datetime, lifetimes: Lifetimes) -> list[UserSession]:
    return list(session.scalars(select(UserSession).where(
        UserSession.ended_at.is_(None), UserSession.last_seen_at >= now - lifetimes.idle,
        UserSession.created_at >= now - lifetimes.absolute).order_by(UserSession.last_seen_at.desc())))


def revoke(session: Session, *, actor: User, now: datetime, session_id: str, address: str = "") -> UserSession:
    """The security administrator ends someone's session (audited)."""
    if not actor.has(Role.SECURITY_ADMIN):
        raise PermissionDenied("只有安全管理员可以结束会话")
    row = session.get(UserSession, session_id)
    if row is None or row.ended_at is not None:
        raise NotFound("会话不存在或已结束")
    _end(row, now, "revoked")
    audit.record(session, actor=actor, now=now, family="user", subject_id=row.user_id, action="revoke_session",
                 summary="安全管理员结束了该用户的一个会话", details={"address": address, "session": session_id[:12]})
    return row
