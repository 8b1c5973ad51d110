"""CSRF: every state-changing route of the URL map refuses a POST without a valid token, for every kind of user.

The routes are enumerated from `app.url_map`, never a hand-kept list. Exempt by design: the open API
(`api.*`, bearer tokens, no cookies) and the ops endpoints (`ops.*`, no session)."""

from __future__ import annotations

from models.org import Role
from tests.conftest import login
from tests.factories import make_user

EXEMPT = ("api.", "ops.")
WRITES = {"POST", "PUT", "PATCH", "DELETE"}


def _url(rule) -> str:
    return rule.build({arg: 1 for arg in rule.arguments} | {"decision": "confirm", "field": "phone"},
                      append_unknown=False)[1]


def _clients(app, db, org) -> dict:
    users = {"anonymous": None, "coordinator": org.coordinator, "leader": org.leader, "officer": org.officer,
             "system_admin": org.admin, "squad_leader": org.a_leader, "squad_member": org.a_member,
             "security_admin": make_user(db, Role.SECURITY_ADMIN), "auditor": make_user(db, Role.SECURITY_AUDITOR)}
    clients = {}
    for name, user in users.items():
        client = app.test_client()
        if user is not None:
            login(client, user)
        clients[name] = client
    return clients


def test_every_state_changing_route_refuses_a_post_without_a_valid_token(app, db, org):
    app.config["WTF_CSRF_ENABLED"] = True
    rules = [r for r in app.url_map.iter_rules() if r.methods & WRITES and not r.endpoint.startswith(EXEMPT)]
    assert len(rules) >= 40, "the route list must not be vacuous"
    accepted = []
    for name, client in _clients(app, db, org).items():
        for rule in rules:
            method = sorted(rule.methods & WRITES)[0]
            for token in (None, "forged-token"):
                data = {} if token is None else {"csrf_token": token}
                resp = client.open(_url(rule), method=method, data=data)
                if resp.status_code != 400 or "CSRF" not in resp.get_data(as_text=True) + resp.status:
                    accepted.append((name, rule.rule, token, resp.status_code))
    assert accepted == [], accepted[:10]


def test_the_check_tells_a_csrf_refusal_from_a_valid_post(client):
    from tests.conftest import csrf_token

    resp = client.post("/login", data={"username": "x", "password": "y", "csrf_token": csrf_token(client)})
    assert "CSRF" not in resp.get_data(as_text=True) + resp.status
    resp = client.post("/login", data={"username": "x", "password": "y"})
    assert resp.status_code == 400 and "CSRF" in resp.get_data(as_text=True) + resp.status
