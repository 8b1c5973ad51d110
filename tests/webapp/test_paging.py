"""Walking a list's pages shows every row exactly once, even when every row ties on the visible sort keys
(same deadline, same received time): each list ends its sort on a unique key (issue 9)."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from models.audit import AuditEntry
from models.items import SupervisedItem
from models.notifications import Notification
from tests.factories import NOW, finish, make_case, make_item, make_petition, make_referral, open_work
from workflows import notifications
from workflows.access import my_work_query

ROWS = 57  # more than one page of 50 for every list
MANY = 257  # PostgreSQL repeats and skips tied rows across pages at this size when no unique key ends the sort


NEXT = re.compile(r'<a class="page-link" href="([^"]+)"[^>]*>下一页</a>')


def _walk(client, url: str, pattern: str) -> list[str]:
    """Follow the "下一页" links (page numbers or keyset cursors) to the end, collecting the rows' ids."""
    seen, pages = [], 0
    while url and pages < 100:
        html = client.get(url).get_data(as_text=True)
        seen += list(dict.fromkeys(re.findall(pattern, html)))
        found = NEXT.search(html)
        url = found.group(1).replace("&amp;", "&") if found else None
        pages += 1
    return seen


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
    for item in items[:ROWS]:  # completed at the same moment: 已办 ties on its time too
        finish(db, actor=org.coordinator, now=NOW, item=item, task_uuid=open_work(db, item)[0].task_uuid,
               values={"lead_squad_id": org.squad_a.id})
    todo = {w.task_uuid for w in db.scalars(my_work_query(org.coordinator))}
    assert len(todo) > 2 * 50
    done = {str(e.id) for e in db.scalars(select(AuditEntry).where(AuditEntry.action == "complete"))}
    client = as_user(org.coordinator)
    lists = [
        ("/items", r'href="/items/(\d+)"', {str(i.id) for i in items}),
        ("/registered", r'href="/items/(\d+)"', {str(i.id) for i in items}),
        ("/", r'#step-([0-9a-f-]{36})"', todo),
        ("/done", r'data-entry="(\d+)"', done),
        ("/petitions", r'href="/petitions/(\d+)"', {str(p.id) for p in petitions}),
        ("/cases", r'href="/cases/(\d+)"', {str(c.id) for c in cases}),
        ("/referrals", r'href="/referrals/(\d+)"', {str(r.id) for r in referrals}),
        ("/notifications?kind=clock", r'/notifications/(\d+)/open',
         {str(n) for n in db.scalars(select(Notification.id).where(Notification.key.like("paging:%")))}),
    ]
    for url, pattern, expected in lists:
        _assert_each_once(_walk(client, url, pattern), expected)
    assert db.scalar(select(SupervisedItem.id).where(SupervisedItem.title == "同时到期件0")) is not None
