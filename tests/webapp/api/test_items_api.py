"""POST /api/v1/items: created with the city system's own number, 409 for a number seen before, 400 with the field
and a message in Chinese and English for every bad input (a property test posts generated bodies: never 500,
nothing half-saved), 401/403 for tokens."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from models.items import SupervisedItem
from tests.factories import NOW
from workflows.petitions import api_clients

URL = "/api/v1/items"


def body(**kw):
    values = {"external_ref": "WSBA-2026-0042", "kind": 5, "title": "天山路夜间施工扰民被媒体曝光",
              "instruction_text": "请迅速调查核实并回复。", "received_at": "2026-11-20T09:30:00+08:00",
              "source_doc_number": "沪城管〔2026〕88号", "instructing_leader": "张局长"}
    values.update(kw)
    return values


def headers(db, scopes=("items:write",)) -> dict:
    _client, value = api_clients.create_client(db, name=f"网上办案{len(scopes)}", now=NOW, scopes=scopes)
    db.flush()
    return {"Authorization": f"Bearer {value}"}


def count(db) -> int:
    return db.scalar(select(func.count(SupervisedItem.id)))


def test_created_then_the_same_reference_is_409(client, db, org):
    auth = headers(db)
    resp = client.post(URL, json=body(), headers=auth)
    assert resp.status_code == 201, resp.get_json()
    item = db.get(SupervisedItem, resp.get_json()["id"])
    assert item.number.startswith("督") and item.registered_by_id is None
    assert (item.api_client_name, item.external_ref, item.status) == ("网上办案1", "WSBA-2026-0042", "open")
    again = client.post(URL, json=body(title="换了标题"), headers=auth)
    assert again.status_code == 409 and again.get_json()["field"] == "external_ref"
    assert again.get_json()["error_en"] == "This external reference is already registered" and count(db) == 1


def test_each_bad_field_is_named_in_chinese_and_english(client, db, org):
    auth = headers(db)
    cases = {"kind": {"kind": 9}, "title": {"title": " "}, "received_at": {"received_at": "昨天"},
             "deadline_on": {"deadline_on": "2026-13-01"}, "needs_study": {"needs_study": "yes"},
             "external_ref": {"external_ref": 42}, "bogus": {"bogus": 1}}
    for field, change in cases.items():
        resp = client.post(URL, json=body(**change), headers=auth)
        data = resp.get_json()
        assert resp.status_code == 400 and data["field"] == field, (field, data)
        assert data["error"] != data["error_en"] and data["error_en"].isascii(), data
    assert client.post(URL, data="{", headers={**auth, "Content-Type": "application/json"}).status_code == 400
    assert client.post(URL, json=[1], headers=auth).status_code == 400
    assert count(db) == 0


def test_a_future_receipt_is_refused_by_the_domain_rule(client, db, org):
    resp = client.post(URL, json=body(received_at="2099-01-01T00:00:00+08:00"), headers=headers(db))
    assert resp.status_code == 400 and resp.get_json()["field"] == "received_at"


def test_tokens_without_the_scope_or_none_are_refused(client, db, org):
    assert client.post(URL, json=body()).status_code == 401
    assert client.post(URL, json=body(), headers=headers(db, ("subjects:read",))).status_code == 403


JSONISH = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
                       lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8),
                                                                                        children, max_size=3),
                       max_leaves=6)
FIELD_VALUES = st.fixed_dictionaries({}, optional={name: JSONISH | st.text(max_size=300) for name in body()} | {
    "deadline_on": JSONISH | st.dates().map(str), "needs_study": JSONISH, "kind": st.integers(-3, 9) | JSONISH})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(partial=FIELD_VALUES, base=st.booleans())
def test_generated_bodies_answer_201_400_or_409_never_500(client, db, org, partial, base):
    auth = headers(db) if not hasattr(org, "_api_auth") else org._api_auth
    org._api_auth = auth
    sent = {**(body(external_ref=f"H-{count(db)}") if base else {}), **partial}
    before = count(db)
    resp = client.post(URL, json=sent, headers=auth)
    assert resp.status_code in (201, 400, 409), (sent, resp.status_code, resp.get_data(as_text=True)[:300])
    data = resp.get_json()
    if resp.status_code == 201:
        assert count(db) == before + 1
    else:
        assert count(db) == before, "nothing half-saved"
        assert data["error"] and data["error_en"].isascii()
