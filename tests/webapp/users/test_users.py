"""用户管理: only the system administrator; errors next to the field; every change audited."""

from __future__ import annotations

from sqlalchemy import select

from models.audit import AuditEntry
from models.org import User
from tests.factories import PASSWORD
from tests.webapp.helpers import post_form


def test_only_the_admin_reaches_user_management(as_user, org):
    assert as_user(org.coordinator).get("/admin/users").status_code == 403
    assert as_user(org.leader).get("/admin/users/new").status_code == 403
    page = as_user(org.admin).get("/admin/users")
    assert page.status_code == 200 and org.a_member.username in page.get_data(as_text=True)


def test_create_a_squad_member_and_log_in(as_user, client, org, db):
    admin = as_user(org.admin)
    data = {"username": "new_member", "name": "新队员", "roles": "squad_member", "squad_id": str(org.squad_a.id),
            "section_id": "", "active": "y", "password": "Abc12345"}
    assert post_form(admin, "/admin/users/new", "/admin/users/new", data).status_code == 302
    user = db.scalar(select(User).where(User.username == "new_member"))
    assert user.squad_id == org.squad_a.id and user.section_id is None
    entry = db.scalar(select(AuditEntry).where(AuditEntry.family == "user", AuditEntry.subject_id == user.id))
    assert entry.action == "create_user" and entry.actor_id == org.admin.id
    client.get("/logout")
    resp = post_form(client, "/login", "/login", {"username": "new_member", "password": "Abc12345"})
    assert resp.status_code == 302
    assert client.get("/").headers["Location"].endswith("/account/password")  # forced change at first log-in


def test_bad_user_input_is_shown_next_to_the_field(as_user, org, db):
    admin = as_user(org.admin)
    cases = [
        ({"username": org.a_member.username}, "username", "该用户名已存在"),
        ({"roles": "squad_member", "squad_id": ""}, "squad_id", "必须选择所属中队"),
        ({"password": "12345678"}, "password", "至少3类"),
        ({"password": "password1"}, "password", "至少3类"),
        ({"password": "aaaaaaa1"}, "password", "至少3类"),
        ({"password": "Fresh!2026x"}, "password", "不能与用户名相同或包含用户名"),
        ({"username": "带空格 的名字"}, "username", "只能使用字母"),
    ]
    for over, field, message in cases:
        data = {"username": "fresh", "name": "某人", "roles": "leader", "squad_id": "", "section_id": "",
                "active": "y", "password": "Abc12345", **over}
        resp = post_form(admin, "/admin/users/new", "/admin/users/new", data)
        html = resp.get_data(as_text=True)
        assert resp.status_code == 400 and f'data-field="{field}"' in html and message in html, over
    assert db.scalar(select(User).where(User.username == "fresh")) is None


def test_deactivated_user_cannot_log_in_and_admin_cannot_lock_out_itself(as_user, client, org, db):
    admin = as_user(org.admin)
    data = {"name": org.a_member.name, "roles": "squad_member", "squad_id": str(org.squad_a.id), "section_id": ""}
    url = f"/admin/users/{org.a_member.id}"
    assert post_form(admin, url, url, data).status_code == 302
    db.refresh(org.a_member)
    assert org.a_member.active is False
    resp = post_form(client, "/login", "/login", {"username": org.a_member.username, "password": PASSWORD})
    assert resp.status_code == 200 and "用户名或密码错误" in resp.get_data(as_text=True)
    admin = as_user(org.admin)
    self_data = {"name": "管理员", "roles": "system_admin", "squad_id": "", "section_id": ""}
    resp = post_form(admin, f"/admin/users/{org.admin.id}", f"/admin/users/{org.admin.id}", self_data)
    assert resp.status_code == 400 and "不能停用自己" in resp.get_data(as_text=True)


def test_reset_password(as_user, client, org, db):
    admin = as_user(org.admin)
    url = f"/admin/users/{org.b_member.id}/password"
    weak = post_form(admin, f"/admin/users/{org.b_member.id}", url, {"pw-password": "short"})
    assert weak.status_code == 400 and "至少8位" in weak.get_data(as_text=True)
    ok = post_form(admin, f"/admin/users/{org.b_member.id}", url, {"pw-password": "Newpass99"})
    assert ok.status_code == 302
    client.get("/logout")
    resp = post_form(client, "/login", "/login", {"username": org.b_member.username, "password": "Newpass99"})
    assert resp.status_code == 302
    assert client.get("/").headers["Location"].endswith("/account/password")  # forced change after a reset


def test_a_user_may_hold_two_roles_and_sees_what_both_allow(db, org):
    from models.org import Role
    from workflows.access import my_work_query

    org.coordinator.roles = [Role.COORDINATOR, Role.LEADER]
    db.flush()
    assert org.coordinator.has(Role.LEADER) and org.coordinator.has(Role.COORDINATOR)
    assert org.coordinator.role_label == "协调员、局领导"
    sql = str(my_work_query(org.coordinator).compile(compile_kwargs={"literal_binds": True}))
    assert "'coordination'" in sql and "'leader'" in sql


def test_a_squad_role_and_a_section_role_cannot_be_combined(db, org):
    import pytest

    from models.org import Role
    from workflows import users
    from workflows.errors import InvalidInput

    data = users.UserData(username="mixed", name="某人", roles=[Role.SQUAD_MEMBER, Role.COORDINATOR],
                          squad_id=org.squad_a.id, section_id=org.coordination.id)
    with pytest.raises(InvalidInput) as exc:
        users.create_user(db, actor=org.admin, now=org.admin.created_at, data=data, password="Abc12345")
    assert exc.value.field == "roles"
