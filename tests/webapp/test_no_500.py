"""Every route, as every kind of user, with real, unknown and malformed ids and empty posts: never a 500."""

from __future__ import annotations

import re
import uuid

import pytest

from tests.factories import make_case, make_item, make_petition, make_referral
from tests.webapp.helpers import server_error, token_from

ROLES = ["coordinator", "leader", "a_leader", "a_member", "b_member", "officer", "admin"]
VALUES = {
    "int": ["1", "999999"],
    "default": ["instructed_item", "bogus", "2026-13", "../x"],
}
SKIP = {"static", "assets.vendor"}


def _urls(app, method: str) -> list[str]:
    urls = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SKIP or method not in rule.methods:
            continue
        choices = [{}]
        for arg in rule.arguments:
            kind = "int" if type(rule._converters[arg]).__name__ == "IntegerConverter" else "default"
            options = VALUES[kind] + ([str(uuid.uuid4())] if arg == "task_uuid" else [])
            choices = [{**c, arg: v} for c in choices for v in options]
        for values in choices[:12]:
            urls.add(PART.sub(lambda m, v=values: v[m.group(1)], rule.rule))
    return sorted(urls)


PART = re.compile(r"<(?:[a-z]+:)?([a-z_]+)>")


@pytest.fixture
def world(db, org):
    item = make_item(db, org)
    make_petition(db, org)
    make_case(db, org)
    make_referral(db, org, subject_id=item.id)
    db.flush()


@pytest.mark.parametrize("role", ROLES)
def test_no_route_answers_500(app, as_user, org, world, role):
    client = as_user(getattr(org, role))
    failures = []
    gets, posts = _urls(app, "GET"), _urls(app, "POST")
    assert len(gets) > 50 and len(posts) > 50, "the route list must not be vacuous"
    for url in gets:
        resp = client.get(url)
        if server_error(url, resp.status_code):
            failures.append(("GET", url, resp.status_code))
    token = token_from(client, "/done")
    for url in posts:
        resp = client.post(url, data={"csrf_token": token})
        if resp.status_code >= 500:
            failures.append(("POST", url, resp.status_code))
    assert failures == []
