"""Role × route: who gets what on every instructed-item route (squad A holds the item)."""

from __future__ import annotations

import pytest

from tests.factories import NOW, finish, make_item, open_work
from tests.webapp.helpers import token_from
from workflows import attachments

ROLES = ["anonymous", "coordinator", "leader", "a_leader", "a_member", "b_leader", "b_member", "officer", "admin"]

# route name -> expected status per role (same order as ROLES)
EXPECTED = {
    "todo":        [302, 200, 200, 200, 200, 200, 200, 200, 302],
    "done":        [302, 200, 200, 200, 200, 200, 200, 200, 403],  # 三员 (admin): no case pages at all
    "items":       [302, 200, 200, 200, 200, 200, 200, 200, 403],
    "new":         [302, 200, 403, 403, 403, 403, 403, 403, 403],
    "show":        [302, 200, 200, 200, 200, 404, 404, 404, 403],  # outside scope: exactly like an unknown id
    "download":    [302, 200, 200, 200, 200, 404, 404, 404, 403],
    "act_squad":   [302, 403, 403, 302, 302, 404, 404, 404, 403],
}


@pytest.fixture
def world(db, org, app):
    item = make_item(db, org)
    finish(db, actor=org.coordinator, now=NOW, item=item,
                             task_uuid=open_work(db, item)[0].task_uuid,
                             values={"lead_squad_id": org.squad_a.id})
    accept = open_work(db, item)[0]
    file = attachments.save(db, actor=org.coordinator, now=NOW, folder=app.config["UPLOAD_FOLDER"],
                            family="instructed_item", subject_id=item.id, step=None,
                            upload=attachments.Upload("批示原件.pdf", "application/pdf", b"%PDF"))
    db.flush()
    return {"item": item, "accept": accept, "file": file, "handler": org.a_member}


def _request(client, route, world):
    item, accept, file = world["item"], world["accept"], world["file"]
    if route == "act_squad":
        token = token_from(client, "/login")
        data = {"csrf_token": token, "accept-handler_id": str(world["handler"].id)}
        return client.post(f"/s/instructed_item/{item.id}/steps/{accept.task_uuid}", data=data)
    paths = {"todo": "/", "done": "/done", "items": "/items", "new": "/items/new",
             "show": f"/items/{item.id}", "download": f"/attachments/{file.id}"}
    return client.get(paths[route])


@pytest.mark.parametrize("route", list(EXPECTED))
@pytest.mark.parametrize("role_index", range(len(ROLES)), ids=ROLES)
def test_matrix(route, role_index, as_user, client, org, world):
    role = ROLES[role_index]
    if role != "anonymous":
        client = as_user(getattr(org, role))
    resp = _request(client, route, world)
    assert resp.status_code == EXPECTED[route][role_index], f"{role} {route}: {resp.status_code}"


def test_list_shows_an_item_only_inside_scope(as_user, org, world):
    title = world["item"].title
    assert title in as_user(org.a_member).get("/items").get_data(as_text=True)
    assert title in as_user(org.leader).get("/items").get_data(as_text=True)
    assert title not in as_user(org.b_leader).get("/items").get_data(as_text=True)
    assert title not in as_user(org.officer).get("/items").get_data(as_text=True)
