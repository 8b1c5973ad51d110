"""延期申请, 挂起/恢复 and 催办 through the domain operations."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from models.audit import AuditEntry
from models.deadlines import ClockEvent, ExtensionRequest
from models.engine import ProcessInstance
from models.items import ItemKind
from models.notifications import Notification
from tests.factories import NOW, make_item
from tests.workflows.deadlines.helpers import count, days, session_factory, step
from workflows import scheduler
from workflows.calendar import end_of_local_day, local_day
from workflows.deadlines import clock, urge
from workflows.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from workflows.items import operations

FAMILY = "instructed_item"


def assigned(db, org, kind=ItemKind.MEDIA_EXPOSURE):
    item = make_item(db, org, kind=kind)
    operations.complete_step(db, actor=org.coordinator, now=NOW, item=item,
                             task_uuid=step(db, item, "assign").task_uuid, values={"lead_squad_id": org.squad_a.id})
    return item


def ask(db, org, item, new_day=None, actor=None, reason="需补充调取监控录像"):
    new_day = new_day or local_day(item.deadline_at) + days(7)
    return clock.request_extension(db, actor=actor or org.a_member, now=NOW, family=FAMILY, subject_id=item.id,
                                   new_date=new_day, reason=reason)


def test_extension_approved_moves_the_deadline_and_rearms_the_timer(db, org):
    item = assigned(db, org)
    old = item.deadline_at
    req = ask(db, org, item)
    assert req.approver_group == "coordination" and item.extension_count == 1
    assert count(db, kind="extension", user_id=org.coordinator.id) == 1
    clock.decide_extension(db, actor=org.coordinator, now=NOW, request_id=req.id, approve=True, opinion="同意")
    assert item.deadline_at == req.requested_deadline_at > old and item.deadline_basis == "extended"
    instance = db.get(ProcessInstance, item.instance_id)
    assert instance.next_timer_at == item.deadline_at, "the deadline timer is re-armed at the new date"
    assert step(db, item, "investigate" if False else "accept").due_at <= item.deadline_at
    kinds = [e.kind for e in db.scalars(select(ClockEvent).where(ClockEvent.subject_id == item.id))]
    assert kinds == ["extension_requested", "extension_approved"]
    assert count(db, kind="extension", user_id=org.a_member.id) == 1, "the requester hears the outcome"
    with pytest.raises(Conflict):
        clock.decide_extension(db, actor=org.coordinator, now=NOW, request_id=req.id, approve=False, opinion="x")


def test_extension_rules(db, org):
    item = assigned(db, org)
    with pytest.raises(PermissionDenied):
        ask(db, org, item, actor=org.b_member)
    with pytest.raises(PermissionDenied):
        ask(db, org, item, actor=org.coordinator)
    with pytest.raises(InvalidInput) as err:
        ask(db, org, item, new_day=local_day(item.deadline_at))
    assert err.value.field == "new_date"
    with pytest.raises(InvalidInput) as err:
        ask(db, org, item, reason="  ")
    assert err.value.field == "reason"
    req = ask(db, org, item)
    with pytest.raises(Conflict):
        ask(db, org, item)
    with pytest.raises(InvalidInput):
        clock.decide_extension(db, actor=org.coordinator, now=NOW, request_id=req.id, approve=False, opinion="")
    with pytest.raises(NotFound):
        clock.decide_extension(db, actor=org.coordinator, now=NOW, request_id=req.id + 999, approve=True)
    old = item.deadline_at
    clock.decide_extension(db, actor=org.coordinator, now=NOW, request_id=req.id, approve=False, opinion="理由不充分")
    assert item.deadline_at == old and req.status == "refused"


def test_kinds_one_to_three_need_a_leader(db, org):
    item = assigned(db, org, kind=ItemKind.CITY_LEADER)
    req = ask(db, org, item)
    assert req.approver_group == "leader"
    assert count(db, kind="extension", user_id=org.leader.id) == 1
    with pytest.raises(PermissionDenied):
        clock.decide_extension(db, actor=org.coordinator, now=NOW, request_id=req.id, approve=True)
    clock.decide_extension(db, actor=org.leader, now=NOW, request_id=req.id, approve=True)
    assert req.status == "approved" and req.decided_by_id == org.leader.id


def test_a_suspended_item_does_not_go_overdue(db, org, connection):
    item = assigned(db, org)
    accept = step(db, item, "accept")
    clock.suspend(db, actor=org.coordinator, now=NOW, family=FAMILY, subject_id=item.id, reason="等待规划部门认定")
    assert item.suspended_at == NOW and item.next_alert_at is None and accept.next_alert_at is None
    with pytest.raises(Conflict):
        clock.suspend(db, actor=org.coordinator, now=NOW, family=FAMILY, subject_id=item.id, reason="再次")
    db.commit()
    later = item.deadline_at + days(10)
    scheduler.tick(session_factory(connection), later)
    db.expire_all()
    assert count(db, kind="overdue") == 0 and count(db, kind="escalated") == 0
    assert "leader_supervise" not in [w.step for w in operations.open_work(db, item)]
    old = item.deadline_at
    resumed_at = NOW + days(7)  # Monday a week later: five working days suspended
    clock.resume(db, actor=org.coordinator, now=resumed_at, family=FAMILY, subject_id=item.id)
    assert item.suspended_at is None
    assert local_day(item.deadline_at) == local_day(old) + days(7), "the clock paused for five working days"
    assert db.get(ProcessInstance, item.instance_id).next_timer_at == item.deadline_at
    assert step(db, item, "accept").next_alert_at is not None


def test_only_the_coordination_section_suspends(db, org):
    item = assigned(db, org)
    with pytest.raises(PermissionDenied):
        clock.suspend(db, actor=org.a_leader, now=NOW, family=FAMILY, subject_id=item.id, reason="x")
    with pytest.raises(Conflict):
        clock.resume(db, actor=org.coordinator, now=NOW, family=FAMILY, subject_id=item.id)


def test_urge_is_recorded_counted_and_notifies_the_holder(db, org):
    item = assigned(db, org)
    accept = step(db, item, "accept")
    row = urge.urge(db, actor=org.leader, now=NOW, family=FAMILY, subject_id=item.id, task_uuid=accept.task_uuid,
                    message="请今日内签收")
    assert item.urge_count == 1 and row.step_name == "签收"
    got = set(db.scalars(select(Notification.user_id).where(Notification.kind == "urged")))
    assert got == {org.a_leader.id, org.a_member.id, org.a_member2.id}, "unclaimed: the whole squad"
    assert db.scalar(select(AuditEntry).where(AuditEntry.action == "urge")).opinion == "请今日内签收"
    with pytest.raises(PermissionDenied):
        urge.urge(db, actor=org.a_leader, now=NOW, family=FAMILY, subject_id=item.id, task_uuid=accept.task_uuid,
                  message="x")
    with pytest.raises(InvalidInput):
        urge.urge(db, actor=org.coordinator, now=NOW, family=FAMILY, subject_id=item.id, task_uuid=accept.task_uuid,
                  message=" ")
    with pytest.raises(Conflict):
        urge.urge(db, actor=org.coordinator, now=NOW, family=FAMILY, subject_id=item.id, task_uuid="nope",
                  message="x")
    history = urge.history(db, FAMILY, item.id)
    assert [e.kind for e in history["events"]] == ["urged"] and len(history["urges"]) == 1


def test_extension_requests_are_kept(db, org):
    item = assigned(db, org)
    first = ask(db, org, item)
    clock.decide_extension(db, actor=org.coordinator, now=NOW, request_id=first.id, approve=False, opinion="不予延期")
    second = ask(db, org, item, new_day=local_day(item.deadline_at) + days(3))
    clock.decide_extension(db, actor=org.coordinator, now=NOW, request_id=second.id, approve=True)
    rows = db.scalars(select(ExtensionRequest).where(ExtensionRequest.subject_id == item.id)).all()
    assert [r.status for r in rows] == ["refused", "approved"] and item.extension_count == 2
    assert item.deadline_at == end_of_local_day(local_day(second.old_deadline_at) + days(3))
