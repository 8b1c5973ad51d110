"""No N+1 on the main pages: the statements a page runs do not grow with the rows it shows."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from tests.factories import NOW, finish, make_item, open_work
from workflows import audit

PAGES = ["/", "/done", "/registered", "/items", "/bulletins?month=2026-10"]


@pytest.fixture
def count(connection):
    seen: list[str] = []
    event.listen(connection, "before_cursor_execute", lambda c, cur, sql, *a: seen.append(sql))

    def _count(client, path: str) -> int:
        assert client.get(path).status_code == 200, path  # warm: login, caches
        seen.clear()
        assert client.get(path).status_code == 200, path
        return len(seen)

    return _count


def _assign(db, org, item):
    work = next(w for w in open_work(db, item) if w.step == "assign")
    finish(db, actor=org.coordinator, now=NOW, item=item, task_uuid=work.task_uuid,
           values={"lead_squad_id": org.squad_a.id})


@pytest.mark.parametrize("path", PAGES)
def test_a_list_runs_as_many_statements_for_12_rows_as_for_2(db, org, as_user, count, path):
    items = [make_item(db, org) for _ in range(2)]
    for item in items:
        _assign(db, org, item)
    client = as_user(org.coordinator)
    few = count(client, path)
    for _ in range(10):
        _assign(db, org, make_item(db, org))
    assert count(client, path) == few, f"{path}: statements grow with the rows shown"


def test_a_subject_page_runs_as_many_statements_with_12_timeline_entries_more(db, org, as_user, count):
    item = make_item(db, org)
    _assign(db, org, item)
    client = as_user(org.coordinator)
    before = count(client, f"/items/{item.id}")
    for n in range(12):
        actor = org.coordinator if n % 2 else org.leader
        audit.record(db, actor=actor, now=NOW, family="instructed_item", subject_id=item.id, action="comment",
                     summary=f"批注 {n}")
    db.flush()
    assert count(client, f"/items/{item.id}") == before, "the timeline must not query per entry"
