"""The open API beyond petitions: OpenAPI 3.1 against the real routes, Redoc, scopes and expiry, reads by number
and external reference, changes since a cursor, every call logged."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from models.petitions import ApiCall
from tests.factories import NOW, make_item, make_petition
from tests.workflows.items.test_lifecycle import do
from workflows.petitions import api_clients


def _token(db, *scopes, expires_at=None) -> dict:
    _client, value = api_clients.create_client(db, name=f"市级系统{len(scopes)}{expires_at}", now=NOW,
                                               scopes=scopes, expires_at=expires_at)
    db.flush()
    return {"Authorization": f"Bearer {value}"}


def test_the_description_matches_the_real_routes(app, client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"] == "3.1.0"
    described = {(path, method.upper()) for path, ops in doc["paths"].items() for method in ops}
    real = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            path = rule.rule[len("/api/v1"):].replace("<", "{").replace(">", "}")
            real |= {(path, m) for m in rule.methods - {"HEAD", "OPTIONS"}}
    assert described == real
    for path, ops in doc["paths"].items():
        for op in ops.values():
            assert op["responses"], path
            for param in op.get("parameters", []):
                assert param["in"] != "path" or "{" + param["name"] + "}" in path


def test_the_readable_page_is_redoc_served_locally(client):
    html = client.get("/api/v1/docs").get_data(as_text=True)
    assert '<redoc spec-url="/api/v1/openapi.json">' in html and "/vendor/redoc/redoc.standalone.js" in html
    assert client.get("/vendor/redoc/redoc.standalone.js").status_code == 200


def test_read_a_subject_by_number_and_by_external_reference(db, org, client):
    headers = _token(db, "subjects:read")
    item = make_item(db, org)
    do(db, org, item, "assign", lead_squad_id=org.squad_a.id)
    found = client.get(f"/api/v1/subjects/{item.number}", headers=headers).get_json()
    assert found["status"] == "open" and [s["step"] for s in found["current_steps"]] == ["accept"]
    assert found["deadline_at"] and [h["step"] for h in found["history"]] == [None, "assign"]
    petition = make_petition(db, org, external_ref="12345-2026-000999")
    by_ref = client.get("/api/v1/subjects?external_ref=12345-2026-000999", headers=headers).get_json()
    assert by_ref["number"] == petition.number and by_ref["family"] == "petition"
    missing = client.get("/api/v1/subjects?external_ref=none", headers=headers)
    assert missing.status_code == 404 and missing.get_json()["error_en"]
    empty = client.get("/api/v1/subjects", headers=headers)
    assert empty.status_code == 400 and empty.get_json()["field"] == "external_ref"


def test_changes_since_a_cursor_page_through_everything_once(db, org, client):
    headers = _token(db, "changes:read")
    first = client.get("/api/v1/changes?limit=500", headers=headers).get_json()
    item = make_item(db, org)
    do(db, org, item, "assign", lead_squad_id=org.squad_a.id)
    seen, cursor = [], first["next_cursor"]
    while True:
        page = client.get(f"/api/v1/changes?cursor={cursor}&limit=1", headers=headers).get_json()
        if not page["changes"]:
            break
        seen += page["changes"]
        cursor = page["next_cursor"]
    assert [(c["number"], c["step"]) for c in seen] == [(item.number, None), (item.number, "assign")]
    bad = client.get("/api/v1/changes?cursor=-1", headers=headers)
    assert bad.status_code == 400 and bad.get_json()["field"] == "cursor" and bad.get_json()["error_en"]


def test_scopes_and_expiry_are_enforced_and_every_call_logged(db, org, client):
    item = make_item(db, org)
    writer = _token(db, "petitions:write")
    assert client.get(f"/api/v1/subjects/{item.number}", headers=writer).status_code == 403
    expired = _token(db, "subjects:read", expires_at=NOW - timedelta(days=1))
    assert client.get(f"/api/v1/subjects/{item.number}", headers=expired).status_code == 401
    calls = db.scalars(select(ApiCall).order_by(ApiCall.id)).all()
    assert [c.status for c in calls[-2:]] == [403, 401] and calls[-2].client_id is not None
    assert db.scalar(select(func.count(ApiCall.id))) >= 2
