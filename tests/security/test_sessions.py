"""Server-side sessions: log-out revokes the saved cookie, a password change or reset ends every session,
idle timeout and absolute lifetime, a new session id at every log-in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from models.security import UserSession
from tests.conftest import login
from tests.factories import PASSWORD
from tests.webapp.helpers import post_form, token_from
from workflows import sessions, users


def _cookie(client) -> str:
    return client.get_cookie("session").value


def _set_cookie(client, value: str) -> None:
    client.set_cookie("session", value)


def test_a_cookie_saved_before_log_out_is_dead_after_it(client, org, db):
    login(client, org.a_member)
    saved = _cookie(client)
    assert client.get("/").status_code == 200
    client.post("/logout", data={"csrf_token": token_from(client, "/done")})
    _set_cookie(client, saved)
    resp = client.get("/")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]
    row = db.scalar(select(UserSession).where(UserSession.user_id == org.a_member.id))
    assert row.end_reason == "logout"


def test_an_admin_reset_ends_every_session_of_the_user(app, org, db):
    phone, desk = app.test_client(), app.test_client()
    login(phone, org.a_member)
    login(desk, org.a_member)
    users.reset_password(db, actor=org.admin, now=datetime.now(UTC), user_id=org.a_member.id, password="Reset!2026")
    db.flush()
    for client in (phone, desk):
        assert client.get("/").status_code == 302


def test_changing_ones_password_ends_other_sessions_and_keeps_this_one(app, org, db):
    other, me = app.test_client(), app.test_client()
    login(other, org.a_member)
    login(me, org.a_member)
    resp = post_form(me, "/account/password", "/account/password",
                     {"current": PASSWORD, "password": "Better!2026", "confirm": "Better!2026"})
    assert resp.status_code == 302
    assert me.get("/").status_code == 200
    assert other.get("/").status_code == 302


def test_idle_timeout_and_absolute_lifetime(client, org, db, app):
    login(client, org.a_member)
    row = db.scalar(select(UserSession).where(UserSession.user_id == org.a_member.id))
    row.last_seen_at = datetime.now(UTC) - timedelta(minutes=14)
    db.flush()
    assert client.get("/").status_code == 200  # 14 idle minutes: still alive, and touched
    db.refresh(row)
    row.last_seen_at = datetime.now(UTC) - timedelta(minutes=16)
    db.flush()
    assert client.get("/").status_code == 302
    db.refresh(row)
    assert row.end_reason == "idle"
    login(client, org.a_member)
    row = db.scalar(select(UserSession).where(UserSession.user_id == org.a_member.id, UserSession.ended_at.is_(None)))
    row.created_at = datetime.now(UTC) - timedelta(hours=13)
    db.flush()
    assert client.get("/").status_code == 302
    db.refresh(row)
    assert row.end_reason == "expired"


def test_the_idle_timeout_is_configurable(client, org, db, app):
    app.config["SESSION_IDLE_MINUTES"] = 30
    login(client, org.a_member)
    row = db.scalar(select(UserSession).where(UserSession.user_id == org.a_member.id))
    row.last_seen_at = datetime.now(UTC) - timedelta(minutes=20)
    db.flush()
    assert client.get("/").status_code == 200


def test_the_session_id_rotates_at_log_in(client, org, db):
    client.get("/login")
    before = _cookie(client)
    login(client, org.a_member)
    first = db.scalars(select(UserSession.id).where(UserSession.user_id == org.a_member.id)).all()
    assert _cookie(client) != before
    login(client, org.a_member)
    second = db.scalars(select(UserSession.id).where(UserSession.user_id == org.a_member.id)).all()
    assert len(first) == 1 and len(second) == 2 and set(first) < set(second)


def test_a_forged_or_missing_session_token_is_anonymous(db, org):
    now = datetime.now(UTC)
    token = sessions.start(db, org.a_member, now, "1.2.3.4")
    assert sessions.check(db, token, now, sessions.Lifetimes()) == org.a_member.id
    assert sessions.check(db, token + "x", now, sessions.Lifetimes()) is None
    assert sessions.check(db, None, now, sessions.Lifetimes()) is None


def test_the_security_admin_sees_and_ends_sessions(as_user, app, org, db):
    from models.org import Role
    from tests.factories import make_user

    victim = app.test_client()
    login(victim, org.a_member)
    secadmin = make_user(db, Role.SECURITY_ADMIN)
    client = as_user(secadmin)
    page = client.get("/security/sessions").get_data(as_text=True)
    assert org.a_member.username in page
    row = db.scalar(select(UserSession).where(UserSession.user_id == org.a_member.id))
    assert post_form(client, "/security/sessions", f"/security/sessions/{row.id}/end", {}).status_code == 302
    assert victim.get("/").status_code == 302
    assert as_user(org.admin).get("/security/sessions").status_code == 403
