"""Role × route × object over every route of the URL map, GET and POST: 0 unauthorized successes.

- the three 三员 roles reach nothing outside their own area (and never case content);
- business roles reach no 三员 page; anonymous users reach nothing but the public pages;
- a subject of another unit answers exactly like an unknown id (404), on every route that names one."""

from __future__ import annotations

import re
import uuid

import pytest

from models.org import Role
from tests.factories import finish, make_case, make_item, make_petition, make_referral, make_user, open_work
from tests.webapp.helpers import token_from
from webapp.separation import AREAS, COMMON
from workflows import attachments

PART = re.compile(r"<(?:[a-z]+:)?([a-z_]+)>")
ADMIN_AREAS = ("/admin", "/security", "/audit")
DOCUMENTATION = ("/api/v1/openapi.json", "/api/v1/docs")  # the API's public description holds no case content
PUBLIC = ("/login", "/static/", "/vendor/", "/api/", "/healthz", "/readyz", "/metrics")
SCOPED = {"item_id", "petition_id", "case_id", "referral_id", "subject_id", "work_id", "task_uuid", "attachment_id"}
BUSINESS = ["coordinator", "leader", "a_leader", "a_member", "b_leader", "b_member", "officer"]
ADMINS = {"system_admin": Role.SYSTEM_ADMIN, "security_admin": Role.SECURITY_ADMIN,
          "security_auditor": Role.SECURITY_AUDITOR}
FIGURES: dict[str, int] = {}


@pytest.fixture
def world(db, org, app):
    item = make_item(db, org)
    finish(db, actor=org.coordinator, now=item.registered_at, item=item, task_uuid=open_work(db, item)[0].task_uuid,
           values={"lead_squad_id": org.squad_a.id})
    work = open_work(db, item)[0]
    file = attachments.save(db, actor=org.coordinator, now=item.registered_at, folder=app.config["UPLOAD_FOLDER"],
                            family="instructed_item", subject_id=item.id, step=None,
                            upload=attachments.Upload("批示.pdf", "application/pdf", b"%PDF"))
    petition = make_petition(db, org)
    case = make_case(db, org)
    referral = make_referral(db, org, subject_id=item.id)
    db.flush()
    return {"item_id": item.id, "subject_id": item.id, "family": "instructed_item", "work_id": work.id,
            "task_uuid": work.task_uuid, "attachment_id": file.id, "petition_id": petition.id, "case_id": case.id,
            "referral_id": referral.id}


def _routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint in ("static", "assets.vendor"):
            continue
        for method in ("GET", "POST"):
            if method in rule.methods:
                yield rule, method


def _url(rule, world, unknown=False) -> str:
    def value(name):
        if unknown and name in SCOPED:
            return str(uuid.uuid4()) if name == "task_uuid" else "999999"
        return str(world.get(name, "1"))

    return PART.sub(lambda m: value(m.group(1)), rule.rule)


def _call(client, method, url, token):
    return client.get(url) if method == "GET" else client.post(url, data={"csrf_token": token})


def _success(resp) -> bool:
    """Did the request get through? A redirect to the log-in page or to one's own home is not getting through."""
    if resp.status_code >= 400:
        return False
    location = resp.headers.get("Location", "")
    return not (resp.status_code in (301, 302, 303) and ("/login" in location or "/account/password" in location))


def _is_own_area(role: Role, path: str) -> bool:
    return path == "/" or path.startswith(AREAS[role] + COMMON) or path in AREAS[role]


@pytest.mark.parametrize("who", ["anonymous", *BUSINESS, *ADMINS])
def test_no_unauthorized_success(app, as_user, client, org, db, world, who):
    if who in ADMINS:
        client = as_user(make_user(db, ADMINS[who]))
    elif who != "anonymous":
        client = as_user(getattr(org, who))
    token = token_from(client, "/login")
    failures, count = [], 0
    for rule, method in _routes(app):
        url = _url(rule, world)
        path = rule.rule
        resp = _call(client, method, url, token)
        count += 1
        if not _success(resp):
            continue
        anonymous = who == "anonymous" and not path.startswith(PUBLIC)
        admin = who in ADMINS and not _is_own_area(ADMINS[who], path) and not path.startswith(DOCUMENTATION)
        business = who in BUSINESS and path.startswith(ADMIN_AREAS)
        if anonymous or admin or business:
            failures.append((method, url, resp.status_code))
    FIGURES[who] = count
    assert count > 100
    assert failures == []


@pytest.mark.parametrize("who", ["b_leader", "b_member"])
def test_another_units_subject_answers_like_an_unknown_id(app, as_user, org, world, who):
    client = as_user(getattr(org, who))
    token = token_from(client, "/done")
    leaks, checked = [], 0
    for rule, method in _routes(app):
        if not set(rule.arguments) & SCOPED:
            continue
        real = _call(client, method, _url(rule, world), token)
        unknown = _call(client, method, _url(rule, world, unknown=True), token)
        checked += 1
        if real.status_code != unknown.status_code or _success(real):
            leaks.append((method, rule.rule, real.status_code, unknown.status_code))
    assert checked >= 25
    assert leaks == []


def test_the_three_admin_roles_are_held_alone_and_granted_only_by_the_security_admin(db, org):
    from workflows import users
    from workflows.errors import InvalidInput, PermissionDenied

    data = users.UserData(username="x1", name="某人", roles=[Role.SECURITY_AUDITOR, Role.LEADER])
    with pytest.raises(InvalidInput, match="只能单独担任"):
        users.create_user(db, actor=None, now=org.admin.created_at, data=data, password="Strong!2026")
    data = users.UserData(username="x2", name="某人", roles=[Role.SECURITY_AUDITOR])
    with pytest.raises(InvalidInput, match="只能由安全管理员授予"):
        users.create_user(db, actor=org.admin, now=org.admin.created_at, data=data, password="Strong!2026")
    auditor = make_user(db, Role.SECURITY_AUDITOR)
    with pytest.raises(PermissionDenied):
        users.reset_password(db, actor=org.admin, now=org.admin.created_at, user_id=auditor.id,
                             password="Taken!2026")
