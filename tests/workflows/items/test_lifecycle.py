"""Every path of the instructed-item process, through the domain operations."""

from __future__ import annotations

from datetime import timedelta

import pytest

from models.items import ItemKind
from tests.factories import NOW, finish, make_item, meeting_values, open_work
from workflows import audit
from workflows.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from workflows.items import operations

STEP_VALUES = {
    "joint_study": meeting_values(NOW.date()),
    "investigate": {"findings": "现场核实属实"},
    "draft_reply": {"reply_text": "已责令整改"},
    "send_reply": {"replied_on": NOW.date(), "method": "document", "summary": "已书面回复"},
    "rectify": {"measures": "再次整改"},
}


def open_steps(db, item):
    return [w.step for w in open_work(db, item)]


def do(db, org, item, step, actor=None, at=NOW, **values):
    work = next(w for w in open_work(db, item) if w.step == step)
    actor = actor or {"coordination": org.coordinator, "leader": org.leader}.get(work.step_group, org.a_member)
    merged = {**STEP_VALUES.get(step, {}), **values}
    return finish(db, actor=actor, now=at, item=item, task_uuid=work.task_uuid, values=merged)


def handle_until_review(db, org, item):
    do(db, org, item, "assign", lead_squad_id=org.squad_a.id)
    do(db, org, item, "accept", actor=org.a_member)
    assert item.handler_id == org.a_member.id
    do(db, org, item, "investigate")
    do(db, org, item, "draft_reply")


def test_approved_first_time_without_signoff(db, org):
    item = make_item(db, org, kind=ItemKind.MEDIA_EXPOSURE)
    assert open_steps(db, item) == ["assign"]
    handle_until_review(db, org, item)
    do(db, org, item, "review", decision="approve")
    assert open_steps(db, item) == ["send_reply"], "kind 5 needs no leader sign-off"
    do(db, org, item, "send_reply")
    do(db, org, item, "follow_up", method="callback", satisfaction="satisfied", solved=True)
    assert item.status == "closed" and item.closed_at == NOW
    assert open_work(db, item) == []
    actions = [e.step for e in audit.timeline(db, "instructed_item", item.id)]
    assert actions == [None, "assign", "accept", "investigate", "draft_reply", "review", "send_reply", "follow_up"]


def test_study_returned_twice_signoff_returned_then_rectified(db, org):
    item = make_item(db, org, kind=ItemKind.CITY_LEADER, needs_study=True)
    assert open_steps(db, item) == ["joint_study"]
    do(db, org, item, "joint_study")
    handle_until_review(db, org, item)
    for _ in range(2):
        do(db, org, item, "review", decision="return", opinion="证据不足")
        assert open_steps(db, item) == ["draft_reply"]
        do(db, org, item, "draft_reply")
    do(db, org, item, "review", decision="approve")
    assert open_steps(db, item) == ["leader_signoff"], "kind 1 needs the bureau leader"
    do(db, org, item, "leader_signoff", decision="return", opinion="请补充整改情况")
    do(db, org, item, "draft_reply")
    do(db, org, item, "review", decision="approve")
    do(db, org, item, "leader_signoff", decision="approve")
    do(db, org, item, "send_reply")
    do(db, org, item, "follow_up", method="both", satisfaction="unsatisfied", solved=False, notes="仍有反弹")
    assert open_steps(db, item) == ["rectify"]
    do(db, org, item, "rectify", actor=org.a_member)
    do(db, org, item, "follow_up", method="callback", satisfaction="basically", solved=True)
    assert item.status == "closed"
    assert (item.return_count, item.rectify_count, item.satisfaction) == (3, 1, "basically")


@pytest.mark.parametrize("kind", list(ItemKind))
def test_signoff_follows_the_kind(db, org, kind):
    item = make_item(db, org, kind=kind)
    handle_until_review(db, org, item)
    do(db, org, item, "review", decision="approve")
    expected = ["leader_signoff"] if kind <= ItemKind.CITY_COMMISSION_LEADER else ["send_reply"]
    assert open_steps(db, item) == expected


def test_an_overdue_item_turns_red_and_gets_a_supervision_order(db, org):
    from sqlalchemy import select

    from models.subjects import SupervisionOrder
    from workflows.deadlines import ladder

    received = NOW - timedelta(days=20)
    item = make_item(db, org, received_at=received, deadline_on=(NOW - timedelta(days=10)).date())
    steps = {w.step: w for w in open_work(db, item)}
    assert set(steps) == {"assign"}, "escalation is the clock's, not a step of the process"
    assert steps["assign"].due_at == item.deadline_at, "ordinary steps stay capped by the item's deadline"
    assert item.next_alert_at is not None and item.next_alert_at <= NOW
    assert ladder.process_subject(db, "instructed_item", item.id, NOW)
    assert (item.alert_stage, item.level) == (ladder.ESCALATED, "red")
    orders = db.scalars(select(SupervisionOrder).where(SupervisionOrder.subject_id == item.id)).all()
    assert len(orders) == 1 and orders[0].deadline_at == item.deadline_at and orders[0].status == "issued"
    assert ladder.process_subject(db, "instructed_item", item.id, NOW) is False, "nothing is due twice"


def test_a_step_cannot_be_completed_twice(db, org):
    item = make_item(db, org)
    work = open_work(db, item)[0]
    values = {"lead_squad_id": org.squad_a.id}
    finish(db, actor=org.coordinator, now=NOW, item=item, task_uuid=work.task_uuid, values=values)
    with pytest.raises(Conflict):
        finish(db, actor=org.coordinator, now=NOW, item=item, task_uuid=work.task_uuid,
                                 values=values)


def test_only_the_lane_may_act(db, org):
    item = make_item(db, org)
    work = open_work(db, item)[0]
    with pytest.raises(NotFound):  # not yet assigned to the squad: they do not even see it
        finish(db, actor=org.a_member, now=NOW, item=item, task_uuid=work.task_uuid,
               values={"lead_squad_id": org.squad_a.id})
    do(db, org, item, "assign", lead_squad_id=org.squad_a.id)
    accept = open_work(db, item)[0]
    with pytest.raises(NotFound):  # another squad's item answers like an unknown one
        finish(db, actor=org.b_member, now=NOW, item=item, task_uuid=accept.task_uuid, values={})
    with pytest.raises(PermissionDenied):  # the leaders see it, but the squad's step is not theirs
        finish(db, actor=org.leader, now=NOW, item=item, task_uuid=accept.task_uuid, values={})


def test_return_needs_an_opinion_and_nothing_changes(db, org):
    item = make_item(db, org)
    handle_until_review(db, org, item)
    with pytest.raises(InvalidInput) as err:
        do(db, org, item, "review", decision="return", opinion="  ")
    assert err.value.field == "opinion"
    assert open_steps(db, item) == ["review"]


def test_registration_rules(db, org):
    with pytest.raises(PermissionDenied):
        operations.register_item(db, actor=org.a_member, now=NOW, reg=operations.Registration(
            kind=ItemKind.MEDIA_EXPOSURE, title="t", instruction_text="x", received_at=NOW))
    with pytest.raises(InvalidInput) as err:
        operations.register_item(db, actor=org.coordinator, now=NOW, reg=operations.Registration(
            kind=ItemKind.MEDIA_EXPOSURE, title="t", instruction_text="x", received_at=NOW + timedelta(days=1)))
    assert err.value.field == "received_at"
    first, second = make_item(db, org), make_item(db, org)
    assert first.number == "督2026-0001" and second.number == "督2026-0002"
    assert first.deadline_at > NOW
