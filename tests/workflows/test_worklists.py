"""The worklists of every family: filters, CJK search, keyset pages, counts, saved filters."""

from __future__ import annotations

from datetime import timedelta

import pytest

from models.items import ItemKind
from tests.factories import NOW, finish, make_case, make_item, make_petition, open_work
from workflows import saved_filters, worklists
from workflows.errors import InvalidInput, NotFound
from workflows.tasks import cc
from workflows.worklists import Filters


def names(page) -> list[str]:
    return [r.subject.number for r in page.rows]


@pytest.fixture
def mixed(db, org):
    media = make_item(db, org, kind=ItemKind.MEDIA_EXPOSURE, title="延安西路夜间施工噪音扰民")
    city = make_item(db, org, kind=ItemKind.CITY_LEADER, title="虹桥路违法搭建整治")
    petition = make_petition(db, org)
    case = make_case(db, org, title="仙霞路餐饮油烟案")
    return {"media": media, "city": city, "petition": petition, "case": case}


def test_todo_filters_by_family_kind_and_search(db, org, mixed):
    me = org.coordinator
    everything = worklists.page(db, "todo", me, Filters(), NOW)
    assert everything.total == 4 and set(names(everything)) == {s.number for s in mixed.values()}
    only_items = worklists.page(db, "todo", me, Filters(family="instructed_item"), NOW)
    assert set(names(only_items)) == {mixed["media"].number, mixed["city"].number}
    city = worklists.page(db, "todo", me, Filters(family="instructed_item", kind=1), NOW)
    assert names(city) == [mixed["city"].number]
    found = worklists.page(db, "todo", me, Filters(q="噪音"), NOW)
    assert mixed["media"].number in names(found) and mixed["city"].number not in names(found)
    assert names(worklists.page(db, "todo", me, Filters(q="油烟"), NOW)) == [mixed["case"].number]
    assert names(worklists.page(db, "todo", me, Filters(q="100%_"), NOW)) == [], "LIKE wildcards are escaped"


def test_due_filters_and_level(db, org, mixed):
    work = open_work(db, mixed["media"])[0]
    work.due_at = NOW - timedelta(hours=1)
    mixed["city"].level = "red"
    db.flush()
    from workflows import subjects

    subjects.project(db, subjects.families.get("instructed_item"), mixed["city"], NOW)
    overdue = worklists.page(db, "todo", org.coordinator, Filters(due="overdue"), NOW)
    assert names(overdue) == [mixed["media"].number]
    red = worklists.page(db, "todo", org.coordinator, Filters(level="red"), NOW)
    assert names(red) == [mixed["city"].number]
    later = worklists.page(db, "registered", org.coordinator, Filters(registered_from=(NOW + timedelta(days=2)).date()),
                           NOW)
    assert later.total == 0


def test_keyset_pages_are_disjoint_and_complete(db, org):
    items = [make_item(db, org, title=f"件{i}") for i in range(7)]
    seen, cursor = [], None
    while True:
        page = worklists.page(db, "todo", org.coordinator, Filters(), NOW, cursor, size=3)
        seen += names(page)
        cursor = page.next_cursor
        if cursor is None:
            break
    assert sorted(seen) == sorted(i.number for i in items) and len(seen) == len(set(seen))
    assert worklists.page(db, "todo", org.coordinator, Filters(), NOW, "not-a-cursor").total == 7


def test_cc_and_delegated_lists_and_badges(db, org, mixed):
    item = mixed["media"]
    finish(db, actor=org.coordinator, now=NOW, item=item, task_uuid=open_work(db, item)[0].task_uuid,
           values={"lead_squad_id": org.squad_a.id})
    cc.cc(db, actor=org.coordinator, now=NOW, family="instructed_item", subject_id=item.id,
          user_ids=[org.b_member.id])
    assert names(worklists.page(db, "cc", org.b_member, Filters(unread=True), NOW)) == [item.number]
    assert worklists.counts(db, org.b_member)["cc"] == 1
    cc.mark_read(db, user=org.b_member, family="instructed_item", subject_id=item.id, now=NOW)
    assert worklists.page(db, "cc", org.b_member, Filters(unread=True), NOW).total == 0
    assert worklists.counts(db, org.a_member)["todo"] == 1


def test_saved_filters_are_private_unless_shared_with_the_unit(db, org):
    mine = saved_filters.save(db, actor=org.a_member, now=NOW, list_name="todo", name="超期的",
                              query="due=overdue&cursor=abc&evil=1", shared=False)
    assert mine.query == "due=overdue", "only filter arguments are kept"
    assert saved_filters.offered(db, org.a_member2, "todo") == []
    saved_filters.save(db, actor=org.a_member, now=NOW, list_name="todo", name="超期的", query="due=overdue",
                       shared=True)
    assert [f.name for f in saved_filters.offered(db, org.a_member2, "todo")] == ["超期的"]
    assert saved_filters.offered(db, org.b_member, "todo") == [], "another squad never sees it"
    with pytest.raises(InvalidInput):
        saved_filters.save(db, actor=org.a_member, now=NOW, list_name="todo", name=" ", query="due=near",
                           shared=False)
    with pytest.raises(NotFound):
        saved_filters.remove(db, actor=org.a_member2, filter_id=mine.id)
    saved_filters.remove(db, actor=org.a_member, filter_id=mine.id)
    assert saved_filters.mine(db, org.a_member, "todo") == []


def test_cjk_search_uses_the_trigram_index_on_postgresql(db, org, mixed):
    """On PostgreSQL the search filter is served by the pg_trgm index, so 1 M subjects stay searchable."""
    from sqlalchemy import select, text

    from models.subjects import Subject

    if db.bind.dialect.name != "postgresql":
        pytest.skip("the trigram index exists on PostgreSQL only")
    db.execute(text("SET LOCAL enable_seqscan = off"))  # tiny tables: make the planner show it can use the index
    query = select(Subject.id).where(Subject.search_text.like("%噪音扰民%", escape="\\"))
    plan = "\n".join(db.execute(text("EXPLAIN " + str(query.compile(db.bind, compile_kwargs={"literal_binds": True}))))
                     .scalars())
    assert "ix_subject_search_trgm" in plan, plan
    found = set(db.scalars(select(Subject.number).where(Subject.id.in_(db.scalars(query).all()))))
    assert mixed["media"].number in found and mixed["case"].number not in found
