"""Passwords: argon2id hashes, the policy (length, character classes, not the username, not a recent one),
forced change and expiry. Hashes made by older versions (werkzeug pbkdf2/scrypt) still verify and are
replaced by argon2id at the next successful log-in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import argon2
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash

from models.org import User
from models.security import PasswordHistory
from workflows.errors import InvalidInput

_hasher = [argon2.PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)]  # OWASP's argon2id minimum
_dummy = [""]


@dataclass(frozen=True)
class Policy:
    min_length: int = 8
    min_classes: int = 3
    history: int = 5
    max_age_days: int = 90  # 0: never expires

    def describe(self) -> str:
        return (f"至少{self.min_length}位，包含大写字母、小写字母、数字、符号中的至少{self.min_classes}类，"
                f"不能与用户名相同，不能与最近{self.history}次用过的密码相同")


def configure(time_cost: int, memory_cost: int, parallelism: int) -> None:
    """Set the argon2id parameters (start-up); the dummy hash is rebuilt with them so work stays equal."""
    _hasher[0] = argon2.PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)
    _dummy[0] = ""


def make_hash(password: str) -> str:
    return _hasher[0].hash(password)


def _dummy_hash() -> str:
    if not _dummy[0]:
        _dummy[0] = make_hash("dummy-password-never-used")
    return _dummy[0]


def verify(stored: str | None, password: str) -> bool:
    """Check a password. `stored=None` (unknown user) checks a dummy hash, so both cost the same work."""
    if stored is None:
        _verify_argon2(_dummy_hash(), password)
        return False
    if stored.startswith("$argon2"):
        return _verify_argon2(stored, password)
    return check_password_hash(stored, password)


def _verify_argon2(stored: str, password: str) -> bool:
    try:
        return _hasher[0].verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    return not stored.startswith("$argon2") or _hasher[0].check_needs_rehash(stored)


def _classes(password: str) -> int:
    return sum([any(c.islower() for c in password), any(c.isupper() for c in password),
                any(c.isdigit() for c in password), any(not c.isalnum() for c in password)])


def check(session: Session, policy: Policy, *, username: str, password: str, user: User | None = None,
          field: str = "password") -> None:
    """Raise InvalidInput (next to `field`) when the password breaks the policy."""
    if len(password) < policy.min_length or _classes(password) < policy.min_classes:
        raise InvalidInput(f"密码不符合要求：{policy.describe()}", field)
    name = username.strip().lower()
    if name and (password.lower() == name or (len(name) >= 3 and name in password.lower())):
        raise InvalidInput("密码不能与用户名相同或包含用户名", field)
    if user is not None and any(verify(h, password) for h in recent_hashes(session, user, policy.history)):
        raise InvalidInput(f"不能使用最近{policy.history}次用过的密码", field)


def recent_hashes(session: Session, user: User, count: int) -> list[str]:
    rows = list(session.scalars(select(PasswordHistory.password_hash).where(PasswordHistory.user_id == user.id)
                                .order_by(PasswordHistory.id.desc()).limit(count)))
    if user.password_hash and user.password_hash not in rows:
        rows = [user.password_hash, *rows[: max(count - 1, 0)]]
    return rows


def store(session: Session, user: User, password: str, *, now: datetime, must_change: bool) -> None:
    """Set the (already checked) password; `must_change` forces a change at the next log-in."""
    user.password_hash = make_hash(password)
    user.password_changed_at = now
    user.must_change_password = must_change
    if user.id is None:
        session.flush()
    session.add(PasswordHistory(user_id=user.id, password_hash=user.password_hash, set_at=now))


def must_change(user: User, policy: Policy, now: datetime) -> str | None:
    """Why the user has to change the password before doing anything else (None: no need)."""
    if user.must_change_password:
        return "首次登录或密码被重置后，请先修改密码"
    if policy.max_age_days and user.password_changed_at is not None \
            and now - user.password_changed_at > timedelta(days=policy.max_age_days):
        return f"密码已超过{policy.max_age_days}天未修改，请先修改密码"
    return None
