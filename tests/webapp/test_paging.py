"""Walking a list's pages shows every row exactly once, even when every row ties on the visible sort keys
(same deadline, same received time): each list ends its sort on a unique key (issue 9)."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from models.items import SupervisedItem
from models.notifications import Notification
from tests.factories import NOW, make_case, make_item, make_petition, make_referral
from workflows import notifications

ROWS = 57  # more than one page of 50 for every list
MANY = 257  # PostgreSQL repeats and skips tied rows across pages at this size when no unique key ends the sort


def _walk(client, url: str, pattern: str) -> list[str]:
    seen, page = [], 1
    while True:
        html = client.get(f"{url}{'&' if '?' in url else '?'}page={page}").get_data(as_text=True)
        found = re.findall(pattern, html)
        if not found:
            return seen
        seen += list(dict.fromkeys(found))
        page += 1


def _assert_each_once(shown: list[str], expected: set[str]) -> None:
    assert len(shown) == len(set(shown)), "a row was shown twice"
    assert set(shown) == expected, "a row was never shown"


def test_every_paged_list_shows_each_row_once(db, org, as_user):
    received = NOW - timedelta(hours=2)
    items = [make_item(db, org, received_at=received, title=f"同时到期件{i}") for i in range(MANY)]
    petitions = [make_petition(db, org, content=f"相同时间投诉{i}", received_at=received) for i in range(ROWS)]
    cases = [make_case(db, org, title=f"同时督办案件{i}") for i in range(ROWS)]
    referrals = [make_referral(db, org, subject_id=items[i].id) for i in range(ROWS)]
    for i in range(MANY):
        notifications.notify(db, key=f"paging:{i}", user_ids=[org.coordinator.id], kind="clock", title=f"通知{i}",
                             now=NOW)
    db.flush()
    assert len({i.deadline_at for i in items}) == 1, "the test needs ties"
    client = as_user(org.coordinator)
    lists = [
        ("/items", r'href="/items/(\d+)"', {str(i.id) for i in items}),
        ("/registered", r'href="/items/(\d+)"', {str(i.id) for i in items}),
        ("/petitions", r'href="/petitions/(\d+)"', {str(p.id) for p in petitions}),
        ("/cases", r'href="/cases/(\d+)"', {str(c.id) for c in cases}),
        ("/referrals", r'href="/referrals/(\d+)"', {str(r.id) for r in referrals}),
        ("/notifications?kind=clock", r'/notifications/(\d+)/open',
         {str(n) for n in db.scalars(select(Notification.id).where(Notification.key.like("paging:%")))}),
    ]
    for url, pattern, expected in lists:
        _assert_each_once(_walk(client, url, pattern), expected)
    assert db.scalar(select(SupervisedItem.id).where(SupervisedItem.title == "同时到期件0")) is not None
