"""The inputs that once answered 500 (issue 9): each gets a clear message and changes nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from models.items import SupervisedItem
from tests.conftest import csrf_token
from tests.factories import make_item
from tests.webapp.helpers import post_form

ITEM_FORM = {"kind": "5", "title": "某小区违建", "instruction_text": "请核查", "received_at": "2026-11-01T09:00"}


def _items(db) -> int:
    return db.scalar(select(func.count(SupervisedItem.id)))


def test_a_nul_byte_in_the_login_name_is_a_field_message(client, org):
    resp = client.post("/login", data={"username": "xtk\x00", "password": "x", "csrf_token": csrf_token(client)})
    assert resp.status_code == 200 and "控制字符" in resp.get_data(as_text=True)


def test_a_nul_byte_in_a_title_keeps_the_form_and_saves_nothing(db, org, as_user):
    client = as_user(org.coordinator)
    before = _items(db)
    resp = post_form(client, "/items/new", "/items/new", {**ITEM_FORM, "title": "违建\x00曝光"})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 400 and "控制字符" in page and "请核查" in page, "typed values are kept"
    assert _items(db) == before


def test_nul_bytes_in_query_strings_are_refused_with_a_message(org, as_user):
    client = as_user(org.coordinator)
    for url in ("/items?q=%00", "/petitions?q=a%00b", "/cases?q=%00", "/?x%00=1"):
        resp = client.get(url)
        assert resp.status_code == 400 and "控制字符" in resp.get_data(as_text=True), url


def test_a_digit_that_is_not_a_number_and_a_huge_page_are_harmless(db, org, as_user):
    make_item(db, org)
    client = as_user(org.coordinator)
    assert client.get("/petitions?squad=%C2%B2").status_code == 200  # "²": isdigit() but not int()
    for url in ("/items?page=100000000000000000000", "/items?page=-5", "/items?page=abc", "/notifications?page=9e99"):
        assert client.get(url).status_code == 200, url


def test_a_date_in_year_one_is_a_field_message(db, org, as_user):
    client = as_user(org.coordinator)
    before = _items(db)
    resp = post_form(client, "/items/new", "/items/new", {**ITEM_FORM, "received_at": "0001-01-01T00:00"})
    assert resp.status_code == 400 and "日期超出合理范围" in resp.get_data(as_text=True)
    assert _items(db) == before


def test_an_over_long_title_is_still_refused_cleanly(db, org, as_user):
    client = as_user(org.coordinator)
    resp = post_form(client, "/items/new", "/items/new", {**ITEM_FORM, "title": "长" * 201})
    assert resp.status_code == 400 and "不能超过200个字" in resp.get_data(as_text=True)
