"""POST /api/v1/petitions: token, malformed body, duplicate external reference, created."""

from __future__ import annotations

from sqlalchemy import func, select

from models.petitions import ApiClient, Petition
from tests.factories import NOW
from workflows.petitions import api_clients

URL = "/api/v1/petitions"


def body(org, **kw):
    values = {"external_ref": "12345-2026-000777", "channel": "hotline", "received_at": "2026-11-01T09:30:00+08:00",
              "petitioner_name": "王五", "petitioner_phone": "13912345678", "address": "长宁区天山路100号",
              "street": org.squad_b.street, "category": "占道经营", "content": "天山路100号门口占道经营，影响通行。"}
    values.update(kw)
    return values


def token(db) -> str:
    _client, value = api_clients.create_client(db, name="12345热线", now=NOW)
    db.flush()
    return value


def count(db) -> int:
    return db.scalar(select(func.count(Petition.id)))


def test_created_then_duplicate_is_409_and_stored_once(client, db, org):
    headers = {"Authorization": f"Bearer {token(db)}"}
    resp = client.post(URL, json=body(org), headers=headers)
    assert resp.status_code == 201, resp.get_json()
    data = resp.get_json()
    assert data["number"].startswith("信") and data["squad"] == org.squad_b.name
    stored = db.get(Petition, data["id"])
    assert stored.source == "api" and stored.squad_id == org.squad_b.id
    again = client.post(URL, json=body(org, content="换了内容"), headers=headers)
    assert again.status_code == 409
    assert again.get_json()["field"] == "external_ref" and "已登记" in again.get_json()["error"]
    assert count(db) == 1


def test_bad_token_is_401_and_nothing_stored(client, db, org):
    token(db)
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic abc"}):
        resp = client.post(URL, json=body(org), headers=headers)
        assert resp.status_code == 401 and "令牌" in resp.get_json()["error"]
    assert count(db) == 0


def test_malformed_bodies_are_400_with_field_names(client, db, org):
    headers = {"Authorization": f"Bearer {token(db)}"}
    resp = client.post(URL, data="{not json", headers={**headers, "Content-Type": "application/json"})
    assert resp.status_code == 400 and "JSON" in resp.get_json()["error"]
    cases = [([1, 2], None), (body(org, received_at="昨天"), "received_at"), (body(org, channel="fax"), "channel"),
             (body(org, content=""), "content"), (body(org, external_ref=""), "external_ref"),
             (body(org, address=123), "address"), (body(org, petitioner_id_no="123"), "petitioner_id_no")]
    for payload, field in cases:
        resp = client.post(URL, json=payload, headers=headers)
        assert resp.status_code == 400, payload
        assert resp.get_json().get("field") == field
    assert count(db) == 0


def test_token_is_stored_hashed(db):
    value = token(db)
    row = db.scalar(select(ApiClient))
    assert value not in row.token_hash and len(row.token_hash) == 64
    assert api_clients.authenticate(db, value, NOW).id == row.id
