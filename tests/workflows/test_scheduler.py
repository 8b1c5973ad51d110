"""The scheduler sweep: timers, ladder alerts, exactly once, failures and incidents, crash recovery."""

from __future__ import annotations

import contextlib

from sqlalchemy import func, select

from models.deadlines import SchedulerFailure
from models.engine import ProcessInstance
from models.notifications import Notification
from tests.factories import NOW, finish, make_item
from tests.workflows.deadlines.helpers import days, move_step, session_factory, step
from workflows import scheduler
from workflows.deadlines import ladder, orders


def all_keys(db) -> list[str]:
    return list(db.scalars(select(Notification.key).order_by(Notification.key)))


def overdue_items(db, org, n=3):
    items = []
    for i in range(n):
        item = make_item(db, org, title=f"超期件{i}")
        move_step(db, step(db, item, "assign"), NOW - days(12), NOW - days(5))
        items.append(item)
    db.commit()
    return items


def test_tick_escalates_an_overdue_item_to_the_leader_with_a_supervision_order(db, org, connection):
    item = make_item(db, org)
    db.commit()
    assert db.get(ProcessInstance, item.instance_id).next_timer_at is None, "the clock is the ladder's, no BPMN timer"
    later = item.deadline_at + days(6)
    for _ in range(3):
        scheduler.tick(session_factory(connection), later)
    db.expire_all()
    assert (item.alert_stage, item.level) == (ladder.ESCALATED, "red")
    assert [o.status for o in orders.for_subject(db, "instructed_item", item.id)] == ["issued"]
    leader = set(db.scalars(select(Notification.kind).where(Notification.user_id == org.leader.id)))
    assert "escalated" in leader


def test_a_second_tick_sends_nothing_new(db, org, connection):
    overdue_items(db, org)
    first = scheduler.tick(session_factory(connection), NOW)
    assert first.alerts == 3, "three steps had due alerts (the items themselves are not due yet)"
    keys = all_keys(db)
    again = scheduler.tick(session_factory(connection), NOW)
    assert again.alerts == 0 and all_keys(db) == keys
    assert len(keys) == len(set(keys))


def test_a_failing_row_is_retried_then_becomes_an_incident(db, org, connection, monkeypatch):
    items = overdue_items(db, org)
    bad = step(db, items[0], "assign").id
    real = ladder.process_work

    def broken(session, work_id, now):
        if work_id == bad:
            raise RuntimeError("boom")
        return real(session, work_id, now)

    monkeypatch.setattr(ladder, "process_work", broken)
    for _attempt in (1, 2, 3):
        result = scheduler.tick(session_factory(connection), NOW)
        assert f"work:{bad}" in result.failures
    failure = db.scalar(select(SchedulerFailure).where(SchedulerFailure.key == f"work:{bad}"))
    db.refresh(failure)
    assert failure.attempts == 3 and failure.incident and "boom" in failure.last_error
    others = [step(db, it, "assign").task_uuid for it in items[1:]]
    for uuid in others:
        assert db.scalar(select(func.count()).where(Notification.task_uuid == uuid,
                                                    Notification.kind == "overdue")) >= 1
    assert f"work:{bad}" not in scheduler.tick(session_factory(connection), NOW).failures, "incidents are skipped"
    monkeypatch.setattr(ladder, "process_work", real)
    assert scheduler.retry_incident(db, failure.id)
    db.commit()
    scheduler.tick(session_factory(connection), NOW)
    assert db.scalar(select(func.count()).where(Notification.task_uuid == step(db, items[0], "assign").task_uuid,
                                                Notification.kind == "overdue")) >= 1
    db.refresh(failure)
    assert failure.resolved_at == NOW and failure.resolution == "重试成功" and not failure.incident


def test_an_incident_whose_step_is_gone_resolves_itself(db, org, connection):
    items = overdue_items(db, org, n=1)
    work = step(db, items[0], "assign")
    failure = SchedulerFailure(key=f"work:{work.id}", attempts=3, last_error="boom", first_at=NOW, last_at=NOW,
                               incident=True)
    db.add(failure)
    finish(db, actor=org.coordinator, now=NOW, item=items[0], task_uuid=work.task_uuid,
                             values={"lead_squad_id": org.squad_a.id})
    db.flush()
    scheduler.tick(session_factory(connection), NOW)
    db.refresh(failure)
    assert failure.resolved_at == NOW and failure.resolution.startswith("已失效") and not failure.incident
    assert failure in scheduler.incidents(db), "still listed, as resolved"


def test_crash_between_claim_and_commit_loses_and_doubles_nothing(db, org, connection, monkeypatch):
    items = overdue_items(db, org, n=2)
    real = ladder.emit

    def crash_at_overdue(session, watch, stage, now):
        real(session, watch, stage, now)  # the yellow/red rows and this stage's rows are inserted ...
        if stage == ladder.OVERDUE:
            raise SystemExit("killed")  # ... then the process dies before the commit

    monkeypatch.setattr(ladder, "emit", crash_at_overdue)
    with contextlib.suppress(SystemExit):
        scheduler.tick(session_factory(connection), NOW)
    monkeypatch.setattr(ladder, "emit", real)
    db.rollback()
    db.expire_all()
    assert db.scalar(select(func.count()).where(Notification.kind.in_(["warning", "overdue"]))) == 0
    scheduler.tick(session_factory(connection), NOW)
    scheduler.tick(session_factory(connection), NOW)
    for item in items:
        uuid = step(db, item, "assign").task_uuid
        kinds = list(db.scalars(select(Notification.key).where(Notification.task_uuid == uuid,
                                                               Notification.kind == "overdue")))
        assert len(kinds) == len(set(kinds)) == 1, "one coordinator: one overdue alert, exactly once"


def test_escalation_follows_the_admin_rule(db, org, connection):
    from workflows.calendar import end_of_local_day, load_calendar, local_day
    from workflows.deadlines.rules import save_rule

    save_rule(db, actor_id=org.admin.id, now=NOW - days(1), family="instructed_item", kind=5, step="",
              values={"unit": "workday", "amount": 3, "yellow_pct": 67, "red_workdays": 1, "escalate_workdays": 2,
                      "red_after_urges": 2, "order_answer_workdays": 3})
    item = make_item(db, org)
    db.commit()
    cal = load_calendar(db)
    one_day = end_of_local_day(cal.shift_working_days(local_day(item.deadline_at), 1)) + days(0.01)
    for _ in range(2):
        scheduler.tick(session_factory(connection), one_day)
    db.expire_all()
    assert item.level == "orange", "not yet: two working days"
    two_days = end_of_local_day(cal.shift_working_days(local_day(item.deadline_at), 2)) + days(0.01)
    for _ in range(2):
        scheduler.tick(session_factory(connection), two_days)
    db.expire_all()
    assert item.level == "red"
    item_level = db.scalars(select(Notification.key).where(Notification.kind == "escalated",
                                                           Notification.key.like("escalate:item:%"))).all()
    assert item_level == [f"escalate:item:instructed_item:{item.id}:{item.deadline_at.isoformat()}:u{org.leader.id}"]
