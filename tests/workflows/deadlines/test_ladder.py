"""The alert ladder: warnings before, an overdue alert at, escalation after the due time — each once."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from models.deadlines import ClockEvent, OverdueRecord
from models.notifications import Notification
from tests.factories import NOW, finish, make_item
from tests.workflows.deadlines.helpers import count, days, keys, move_step, step
from workflows import families, subjects
from workflows.calendar import WorkCalendar, end_of_local_day
from workflows.deadlines import ladder, orders
from workflows.deadlines.rules import Rule


def test_stage_times_follow_the_working_calendar():
    cal = WorkCalendar()
    start = NOW  # Monday 2026-11-02 10:00 Shanghai
    due = end_of_local_day(NOW.date() + days(10))  # Thursday 2026-11-12
    times = ladder.stage_times(cal, Rule(amount=8), start, due)
    assert times[ladder.YELLOW] == start + (due - start) * 0.67
    assert times[ladder.RED] == end_of_local_day(NOW.date() + days(9)), "one working day before"
    assert times[ladder.OVERDUE] == due
    assert times[ladder.ESCALATED] == end_of_local_day(NOW.date() + days(11)), "one working day after"
    friday_due = end_of_local_day(NOW.date() + days(4))  # Friday 11-06: escalation on Monday 11-09
    assert ladder.stage_times(cal, Rule(amount=3), start, friday_due)[ladder.ESCALATED] == \
        end_of_local_day(NOW.date() + days(7))


def test_short_steps_skip_the_yellow_warning():
    cal = WorkCalendar()
    due = end_of_local_day(NOW.date() + days(1))
    times = ladder.stage_times(cal, Rule(amount=1), NOW, due)
    assert times[ladder.YELLOW] is None and times[ladder.RED] == end_of_local_day(NOW.date())


def test_registration_notifies_and_arms_the_ladder(db, org):
    item = make_item(db, org)
    assign = step(db, item, "assign")
    assert assign.next_alert_at == end_of_local_day(NOW.date()), "red warning the evening before the due day"
    assert item.next_alert_at is not None and item.alert_stage == 0
    assert keys(db, "assigned:") == [f"assigned:work:{assign.task_uuid}:u{org.coordinator.id}"]


def test_each_stage_is_sent_once_and_overdue_is_recorded(db, org):
    item = make_item(db, org)
    finish(db, actor=org.coordinator, now=NOW, item=item, task_uuid=step(db, item, "assign")
                             .task_uuid, values={"lead_squad_id": org.squad_a.id})
    accept = step(db, item, "accept")
    move_step(db, accept, NOW - days(12), NOW - days(5))  # due last Wednesday: overdue and escalated
    assert accept.next_alert_at <= NOW
    assert ladder.process_work(db, accept.id, NOW)
    sent = {n.key.split(":")[0] for n in db.scalars(select(Notification).where(
        Notification.task_uuid == accept.task_uuid)) if not n.key.startswith("assigned")}
    assert sent == {"warn-yellow", "warn-red", "overdue", "escalate"}
    assert (accept.alert_stage, accept.next_alert_at) == (ladder.ESCALATED, None)
    assert count(db, kind="overdue", user_id=org.a_leader.id) == 1, "the squad leader hears of the overdue step"
    assert count(db, kind="overdue", user_id=org.coordinator.id) == 1, "and the coordination section"
    assert count(db, kind="escalated", user_id=org.leader.id) == 1, "the bureau leader receives the escalation"
    before = count(db)
    assert not ladder.process_work(db, accept.id, NOW + days(5)), "nothing is due any more"
    assert count(db) == before
    record = db.scalar(select(OverdueRecord).where(OverdueRecord.task_uuid == accept.task_uuid))
    assert record.squad_id == org.squad_a.id and record.resolved_at is None
    finish(db, actor=org.a_member, now=NOW, item=item, task_uuid=accept.task_uuid, values={})
    db.refresh(record)
    assert record.resolved_at == NOW, "closing the step resolves the evidence but keeps it"


def test_item_ladder_warns_the_squad_then_escalates(db, org):
    item = make_item(db, org)
    finish(db, actor=org.coordinator, now=NOW, item=item, task_uuid=step(db, item, "assign")
                             .task_uuid, values={"lead_squad_id": org.squad_a.id})
    item.received_at = NOW - days(20)
    item.deadline_at = NOW - days(5)
    item.alert_stage = 0
    fam = families.get("instructed_item")
    ladder.arm_subject(ladder.Context(db), fam, item)
    assert ladder.process_subject(db, fam.name, item.id, NOW)
    ident = f"item:instructed_item:{item.id}"
    assert any(k.startswith(f"overdue:{ident}") for k in keys(db, "overdue:"))
    assert count(db, kind="escalated", user_id=org.leader.id) == 1
    assert db.scalar(select(OverdueRecord).where(OverdueRecord.task_uuid.is_(None),
                                                 OverdueRecord.subject_id == item.id)) is not None
    assert count(db, kind="overdue", user_id=org.leader.id) == 1, "橙: the leaders are informed when it is overdue"
    assert item.level == "red" and subjects.find(db, "instructed_item", item.id).level == "red"


def test_a_second_urge_after_the_deadline_turns_an_overdue_subject_red(db, org):
    from workflows.tasks import urge

    item = make_item(db, org, received_at=NOW - days(5), deadline_on=(NOW - days(1)).date())
    fam = families.get("instructed_item")
    ladder.arm_subject(ladder.Context(db), fam, item)
    ladder.process_subject(db, fam.name, item.id, NOW - days(1) + timedelta(hours=20))
    assert (item.alert_stage, item.level) == (ladder.OVERDUE, "orange")
    task = step(db, item, "assign").task_uuid
    urge.urge(db, actor=org.leader, now=NOW, family=fam.name, subject_id=item.id, task_uuid=task, message="请办理")
    assert item.level == "orange", "one urge after the deadline: still orange"
    urge.urge(db, actor=org.leader, now=NOW, family=fam.name, subject_id=item.id, task_uuid=task, message="再次催办")
    assert item.level == "red" and len(orders.for_subject(db, fam.name, item.id)) == 1
    events = [e.note for e in db.scalars(select(ClockEvent).where(ClockEvent.kind == "level_changed"))]
    assert events == ["blue → orange", "orange → red"]
