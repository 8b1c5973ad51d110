"""延期申请, 挂起/恢复 and 催办 through the domain operations."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from models.audit import AuditEntry
from models.deadlines import ClockEvent, ClockRequest
from models.items import ItemKind
from models.notifications import Notification
from tests.factories import NOW, finish, make_item
from tests.workflows.deadlines.helpers import count, days, session_factory, step
from workflows import scheduler, subjects
from workflows.calendar import end_of_local_day, local_day
from workflows.deadlines import requests
from workflows.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from workflows.tasks import urge

FAMILY = "instructed_item"


def assigned(db, org, kind=ItemKind.MEDIA_EXPOSURE):
    item = make_item(db, org, kind=kind)
    finish(db, actor=org.coordinator, now=NOW, item=item,
                             task_uuid=step(db, item, "assign").task_uuid, values={"lead_squad_id": org.squad_a.id})
    return item


def ask(db, org, item, new_day=None, actor=None, reason="需补充调取监控录像"):
    new_day = new_day or local_day(item.deadline_at) + days(7)
    return requests.request_extension(db, actor=actor or org.a_member, now=NOW, family=FAMILY, subject_id=item.id,
                                   new_date=new_day, reason=reason)


def test_extension_approved_moves_the_deadline_and_rearms_the_ladder(db, org):
    item = assigned(db, org)
    old = item.deadline_at
    req = ask(db, org, item)
    assert req.approver_group == "coordination" and item.extension_count == 1
    assert count(db, kind="extension", user_id=org.coordinator.id) == 1
    requests.decide(db, actor=org.coordinator, now=NOW, request_id=req.id, approve=True, opinion="同意")
    assert item.deadline_at == req.requested_deadline_at > old and item.deadline_basis == "extended"
    assert item.next_alert_at is not None and old < item.next_alert_at <= item.deadline_at, "ladder re-armed"
    assert subjects.find(db, FAMILY, item.id).deadline_at == item.deadline_at, "the projection follows"
    assert step(db, item, "accept").due_at <= item.deadline_at
    kinds = [e.kind for e in db.scalars(select(ClockEvent).where(ClockEvent.subject_id == item.id))]
    assert kinds == ["extension_requested", "extension_approved"]
    assert count(db, kind="extension", user_id=org.a_member.id) == 1, "the requester hears the outcome"
    with pytest.raises(Conflict):
        requests.decide(db, actor=org.coordinator, now=NOW, request_id=req.id, approve=False, opinion="x")


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
        requests.decide(db, actor=org.coordinator, now=NOW, request_id=req.id, approve=False, opinion="")
    with pytest.raises(NotFound):
        requests.decide(db, actor=org.coordinator, now=NOW, request_id=req.id + 999, approve=True)
    old = item.deadline_at
    requests.decide(db, actor=org.coordinator, now=NOW, request_id=req.id, approve=False, opinion="理由不充分")
    assert item.deadline_at == old and req.status == "refused"


def test_kinds_one_to_three_need_a_leader(db, org):
    item = assigned(db, org, kind=ItemKind.CITY_LEADER)
    req = ask(db, org, item)
    assert req.approver_group == "leader"
    assert count(db, kind="extension", user_id=org.leader.id) == 1
    with pytest.raises(NotFound):  # not the coordinator's to decide: not even shown to them
        requests.decide(db, actor=org.coordinator, now=NOW, request_id=req.id, approve=True)
    requests.decide(db, actor=org.leader, now=NOW, request_id=req.id, approve=True)
    assert req.status == "approved" and req.decided_by_id == org.leader.id


def test_a_suspended_item_does_not_go_overdue(db, org, connection):
    item = assigned(db, org)
    accept = step(db, item, "accept")
    suspend = requests.request_suspension(db, actor=org.coordinator, now=NOW, family=FAMILY, subject_id=item.id,
                                          reason="等待规划部门认定")
    assert suspend.status == "approved", "an approver's own request takes effect at once"
    assert item.suspended_at == NOW and item.next_alert_at is None and accept.next_alert_at is None
    with pytest.raises(Conflict):
        requests.request_suspension(db, actor=org.coordinator, now=NOW, family=FAMILY, subject_id=item.id,
                                    reason="再次")
    db.commit()
    later = item.deadline_at + days(10)
    scheduler.tick(session_factory(connection), later)
    db.expire_all()
    assert count(db, kind="overdue") == 0 and count(db, kind="escalated") == 0
    assert item.level == "blue" and subjects.find(db, FAMILY, item.id).suspended
    old = item.deadline_at
    resumed_at = NOW + days(7)  # Monday a week later: five working days suspended
    requests.resume(db, actor=org.coordinator, now=resumed_at, family=FAMILY, subject_id=item.id)
    assert item.suspended_at is None
    assert local_day(item.deadline_at) == local_day(old) + days(7), "the clock paused for five working days"
    assert item.deadline_basis == "adjusted" and item.next_alert_at is not None
    assert step(db, item, "accept").next_alert_at is not None


def test_a_squad_asks_to_suspend_and_the_approver_decides(db, org):
    item = assigned(db, org, kind=ItemKind.CITY_LEADER)
    with pytest.raises(PermissionDenied):
        requests.request_suspension(db, actor=org.b_member, now=NOW, family=FAMILY, subject_id=item.id, reason="x")
    req = requests.request_suspension(db, actor=org.a_leader, now=NOW, family=FAMILY, subject_id=item.id,
                                      reason="当事人起诉，等待法院裁定")
    assert (req.status, req.approver_group, item.suspended_at) == ("pending", "leader", None)
    with pytest.raises(NotFound):
        requests.decide(db, actor=org.coordinator, now=NOW, request_id=req.id, approve=True)
    requests.decide(db, actor=org.leader, now=NOW + days(1), request_id=req.id, approve=True)
    assert item.suspended_at == NOW + days(1)
    with pytest.raises(PermissionDenied):
        requests.resume(db, actor=org.a_leader, now=NOW + days(2), family=FAMILY, subject_id=item.id)
    requests.resume(db, actor=org.coordinator, now=NOW + days(2), family=FAMILY, subject_id=item.id)
    with pytest.raises(Conflict):
        requests.resume(db, actor=org.coordinator, now=NOW, family=FAMILY, subject_id=item.id)


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
    history = requests.history(db, FAMILY, item.id)
    assert [e.kind for e in history["events"]] == ["urged"] and len(history["urges"]) == 1


def test_extension_requests_are_kept(db, org):
    item = assigned(db, org)
    first = ask(db, org, item)
    requests.decide(db, actor=org.coordinator, now=NOW, request_id=first.id, approve=False, opinion="不予延期")
    second = ask(db, org, item, new_day=local_day(item.deadline_at) + days(3))
    requests.decide(db, actor=org.coordinator, now=NOW, request_id=second.id, approve=True)
    rows = db.scalars(select(ClockRequest).where(ClockRequest.subject_id == item.id)).all()
    assert [r.status for r in rows] == ["refused", "approved"] and item.extension_count == 2
    assert item.deadline_at == end_of_local_day(local_day(second.old_deadline_at) + days(3))
