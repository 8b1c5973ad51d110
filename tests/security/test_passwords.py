"""Password policy everywhere (domain, admin pages, CLI, self-service), argon2id, forced change and expiry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from models.audit import AuditEntry
from models.org import Role, User
from tests.factories import PASSWORD
from tests.webapp.helpers import post_form
from workflows import passwords, users
from workflows.errors import InvalidInput

POLICY = passwords.Policy()


@pytest.mark.parametrize("weak", ["password1", "aaaaaaa1", "Short1!", "12345678", "ABCDEFGH", "abcdefgh!"])
def test_weak_passwords_are_refused(db, weak):
    with pytest.raises(InvalidInput) as exc:
        passwords.check(db, POLICY, username="someone", password=weak)
    assert exc.value.field == "password"


@pytest.mark.parametrize("good", ["Duban@2026", "abc123!xyz", "ABC123abc", "中文密码ab12!"])
def test_three_of_four_classes_pass(db, good):
    passwords.check(db, POLICY, username="someone", password=good)


def test_the_username_is_refused(db):
    for bad in ("Huayang_m1", "huayang_m1!A", "xxHUAYANG_M1x9"):
        with pytest.raises(InvalidInput, match="用户名"):
            passwords.check(db, POLICY, username="huayang_m1", password=bad)


def test_none_of_the_last_five(db, org):
    user, now = org.a_member, datetime.now(UTC)
    history = [f"Secret!{i}a" for i in range(6)]
    for i, pw in enumerate(history):
        passwords.store(db, user, pw, now=now + timedelta(minutes=i), must_change=False)
    db.flush()
    for recent in history[1:]:
        with pytest.raises(InvalidInput, match="最近5次"):
            passwords.check(db, POLICY, username=user.username, password=recent, user=user)
    passwords.check(db, POLICY, username=user.username, password=history[0], user=user)  # the sixth back is fine


def test_hashes_are_argon2id_and_old_hashes_are_upgraded_at_log_in(db, org, client):
    from werkzeug.security import generate_password_hash

    user = org.a_member
    user.password_hash = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
    db.flush()
    assert post_form(client, "/login", "/login", {"username": user.username, "password": PASSWORD}).status_code == 302
    db.refresh(user)
    assert user.password_hash.startswith("$argon2id$")


def test_unknown_users_cost_a_hash_check_too(monkeypatch):
    calls = []
    real = passwords._verify_argon2
    monkeypatch.setattr(passwords, "_verify_argon2", lambda stored, pw: calls.append(stored) or real(stored, pw))
    assert passwords.verify(None, "whatever") is False
    assert len(calls) == 1 and calls[0].startswith("$argon2id$")


def test_forced_change_blocks_every_page_until_changed(as_user, org, db):
    org.a_member.must_change_password = True
    db.flush()
    client = as_user(org.a_member)
    for path in ("/", "/items", "/done"):
        resp = client.get(path)
        assert resp.status_code == 302 and resp.headers["Location"].endswith("/account/password"), path
    page = client.get("/account/password").get_data(as_text=True)
    assert "首次登录或密码被重置后" in page
    bad = post_form(client, "/account/password", "/account/password",
                    {"current": PASSWORD, "password": "password1", "confirm": "password1"})
    assert bad.status_code == 400 and 'data-field="password"' in bad.get_data(as_text=True)
    wrong = post_form(client, "/account/password", "/account/password",
                      {"current": "nope", "password": "Better!2026", "confirm": "Better!2026"})
    assert wrong.status_code == 400 and "当前密码不正确" in wrong.get_data(as_text=True)
    ok = post_form(client, "/account/password", "/account/password",
                   {"current": PASSWORD, "password": "Better!2026", "confirm": "Better!2026"})
    assert ok.status_code == 302
    db.refresh(org.a_member)
    assert org.a_member.must_change_password is False
    assert client.get("/").status_code == 200
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "change_password"))
    assert entry.subject_id == org.a_member.id


def test_the_password_expires_after_the_configured_days(as_user, org, db, app):
    org.a_member.password_changed_at = datetime.now(UTC) - timedelta(days=91)
    db.flush()
    client = as_user(org.a_member)
    resp = client.get("/")
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/account/password")
    assert "超过90天" in client.get("/account/password").get_data(as_text=True)
    app.config["PASSWORD_MAX_AGE_DAYS"] = 120
    assert client.get("/").status_code == 200


def test_admin_reset_and_creation_force_a_change(db, org):
    user = users.reset_password(db, actor=org.admin, now=datetime.now(UTC), user_id=org.b_member.id,
                                password="Reset!2026")
    assert user.must_change_password and passwords.must_change(user, POLICY, datetime.now(UTC))
    data = users.UserData(username="fresh1", name="新人", roles=[Role.LEADER])
    created = users.create_user(db, actor=org.admin, now=datetime.now(UTC), data=data, password="Fresh!2026")
    assert created.must_change_password and created.password_hash.startswith("$argon2id$")


def test_the_cli_obeys_the_policy(app, db):
    runner = app.test_cli_runner()
    weak = runner.invoke(args=["create-user", "ops1", "运维", "leader", "--password", "1"])
    assert weak.exit_code != 0 and "密码不符合要求" in weak.output
    assert db.scalar(select(User).where(User.username == "ops1")) is None
    ok = runner.invoke(args=["create-user", "ops1", "运维", "leader", "--password", "Strong!2026"])
    assert ok.exit_code == 0, ok.output
    user = db.scalar(select(User).where(User.username == "ops1"))
    assert user.must_change_password and passwords.verify(user.password_hash, "Strong!2026")
