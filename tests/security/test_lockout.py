"""Lockout kept in the database, one neutral message, the security administrator's unlock, per-address slowdown."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from models.audit import AuditEntry
from models.security import LoginAttempt
from tests.factories import PASSWORD, make_user
from tests.webapp.helpers import post_form
from workflows import login
from workflows.errors import PermissionDenied

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


def _try(db, username, password, now=NOW, address="10.0.0.1", limits=login.Limits()):
    try:
        return login.authenticate(db, username=username, password=password, address=address, now=now, limits=limits)
    except login.LoginRefused as exc:
        return exc.message


def test_five_failures_in_fifteen_minutes_lock_for_thirty(db, org):
    user = org.a_member
    for i in range(5):
        assert _try(db, user.username, "wrong", NOW + timedelta(minutes=i * 3)) == login.REFUSED
    assert user.locked_until == NOW + timedelta(minutes=12 + 30)
    assert _try(db, user.username, PASSWORD, NOW + timedelta(minutes=20)) == login.REFUSED  # right password, locked
    assert _try(db, user.username, PASSWORD, NOW + timedelta(minutes=43)) is user  # lock expired
    assert user.failed_logins == 0 and user.locked_until is None
    actions = list(db.scalars(select(AuditEntry.action).where(AuditEntry.subject_id == user.id,
                                                             AuditEntry.family == "user").order_by(AuditEntry.id)))
    assert actions.count("login_failed") == 6 and actions.count("lockout") == 1 and actions[-1] == "login"


def test_failures_spread_wider_than_the_window_do_not_lock(db, org):
    user = org.a_member
    for i in range(8):
        _try(db, user.username, "wrong", NOW + timedelta(minutes=i * 8))
    assert user.locked_until is None


def test_one_message_for_unknown_wrong_locked_and_inactive(db, org):
    org.b_member.active = False
    org.a_leader.locked_until = NOW + timedelta(minutes=5)
    db.flush()
    messages = {_try(db, "nobody-here", "x"), _try(db, org.a_member.username, "wrong"),
                _try(db, org.a_leader.username, PASSWORD), _try(db, org.b_member.username, PASSWORD)}
    assert messages == {login.REFUSED}
    unknown = db.scalar(select(AuditEntry).where(AuditEntry.family == "security", AuditEntry.action == "login_failed"))
    assert unknown.details["username"] == "nobody-here" and unknown.details["address"] == "10.0.0.1"


def test_the_lock_holds_on_the_web_and_the_page_does_not_tell(client, org, db):
    for _ in range(5):
        resp = post_form(client, "/login", "/login", {"username": org.a_member.username, "password": "bad"})
        assert resp.status_code == 200
    resp = post_form(client, "/login", "/login", {"username": org.a_member.username, "password": PASSWORD})
    unknown = post_form(client, "/login", "/login", {"username": "ghost", "password": PASSWORD})
    assert resp.status_code == unknown.status_code == 200
    assert login.REFUSED in resp.get_data(as_text=True) and login.REFUSED in unknown.get_data(as_text=True)
    db.expire_all()
    assert db.scalar(select(func.count(LoginAttempt.id)).where(LoginAttempt.success.is_(False))) == 7


def test_per_address_slowdown(db, org):
    limits = login.Limits(address_failures=3)
    for i in range(3):
        _try(db, f"ghost{i}", "x", address="10.9.9.9", limits=limits)
    with pytest.raises(login.SlowDown):
        login.authenticate(db, username=org.a_member.username, password=PASSWORD, address="10.9.9.9", now=NOW,
                           limits=limits)
    assert _try(db, org.a_member.username, PASSWORD, address="10.9.9.8", limits=limits) is org.a_member
    later = NOW + timedelta(minutes=16)
    assert _try(db, org.a_member.username, PASSWORD, later, address="10.9.9.9", limits=limits) is org.a_member


def test_security_admin_sees_and_unlocks_with_audit(as_user, db, org):
    from models.org import Role

    secadmin = make_user(db, Role.SECURITY_ADMIN, name="安全管理员")
    org.a_member.locked_until = datetime.now(UTC) + timedelta(minutes=20)
    org.a_member.failed_logins = 5
    db.flush()
    for other in (org.admin, org.coordinator, org.a_leader):
        assert as_user(other).get("/security/locks").status_code == 403
    client = as_user(secadmin)
    page = client.get("/security/locks").get_data(as_text=True)
    assert org.a_member.username in page
    resp = post_form(client, "/security/locks", f"/security/locks/{org.a_member.id}/unlock", {})
    assert resp.status_code == 302
    db.refresh(org.a_member)
    assert org.a_member.locked_until is None and org.a_member.failed_logins == 0
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "unlock"))
    assert entry.actor_id == secadmin.id and entry.subject_id == org.a_member.id
    with pytest.raises(PermissionDenied):
        login.unlock(db, actor=org.admin, now=NOW, user_id=org.a_member.id)
