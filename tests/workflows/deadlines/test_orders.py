"""督办单: issued once per missed deadline when a subject turns red; the lead squad answers in writing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.factories import NOW, finish, make_item, open_work
from workflows import audit, families
from workflows.deadlines import ladder, orders
from workflows.errors import Conflict, InvalidInput, NotFound, PermissionDenied


def red_item(db, org):
    item = make_item(db, org, received_at=NOW - timedelta(days=20), deadline_on=(NOW - timedelta(days=10)).date())
    finish(db, actor=org.coordinator, now=NOW, item=item, task_uuid=open_work(db, item)[0].task_uuid,
           values={"lead_squad_id": org.squad_a.id})
    ladder.process_subject(db, "instructed_item", item.id, NOW)
    return item, orders.for_subject(db, "instructed_item", item.id)[0]


def test_an_order_is_numbered_and_answered_once_by_the_lead_squad(db, org):
    item, order = red_item(db, org)
    assert order.number.startswith("长城管督单〔") and order.squad_id == org.squad_a.id
    assert order.answer_due_at > NOW
    with pytest.raises(PermissionDenied):
        orders.answer(db, actor=org.b_leader, now=NOW, order_id=order.id, text="x")
    with pytest.raises(InvalidInput):
        orders.answer(db, actor=org.a_leader, now=NOW, order_id=order.id, text="  ")
    orders.answer(db, actor=org.a_leader, now=order.answer_due_at + timedelta(hours=1), order_id=order.id,
                  text="已于当日完成调查取证，三日内办结。")
    assert order.status == "answered"
    entry = audit.timeline(db, "instructed_item", item.id)[-1]
    assert entry.action == "order_answered" and entry.details["late"] is True
    with pytest.raises(Conflict):
        orders.answer(db, actor=org.a_leader, now=NOW, order_id=order.id, text="again")
    with pytest.raises(NotFound):
        orders.answer(db, actor=org.a_leader, now=NOW, order_id=order.id + 999, text="x")


def test_a_leader_instructs_on_the_order_and_nothing_is_issued_twice(db, org):
    item, order = red_item(db, org)
    with pytest.raises(PermissionDenied):
        orders.instruct(db, actor=org.coordinator, now=NOW, order_id=order.id, text="x")
    orders.instruct(db, actor=org.leader, now=NOW, order_id=order.id, text="请中队长亲自督办")
    assert order.instruction == "请中队长亲自督办"
    fam = families.get("instructed_item")
    assert orders.issue(db, fam, item, NOW, ladder.Context(db).book(fam, item).item(item.kind)) is None
    assert len(orders.for_subject(db, "instructed_item", item.id)) == 1
