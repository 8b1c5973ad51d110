"""The score ledger on a fixture of recorded events: every figure below is computed by hand from the 2026 rule
set (workflows.scoring.rules.DEFAULT_2026), caps included; rebuilding is idempotent and follows rule edits."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from models.deadlines import ClockEvent
from models.scores import ScoreEntry
from tests.factories import (
    make_order,
    make_overdue,
    make_referral,
    make_subject_row,
    record_step,
    shanghai,
)
from workflows import audit
from workflows.errors import InvalidInput, PermissionDenied
from workflows.scoring import ledger, rules

NOW = shanghai(11, 2)  # October 2026 is over


def D(text: str) -> Decimal:
    return Decimal(text)


def build_october(db, org):
    """Squad A: one late item with every kind of deduction; squad B: twelve overdue items (past the cap) and two
    items closed on time (the on-time bonus)."""
    rules.seed_year(db, year=2026, now=NOW)
    a, b = org.squad_a, org.squad_b
    s1 = make_subject_row(db, squad=a, handler=org.a_member, deadline_at=shanghai(10, 10), closed_at=shanghai(10, 15))
    make_overdue(db, s1, due_at=shanghai(10, 10))  # 超期未办结 -1 / -0.5
    make_overdue(db, s1, due_at=shanghai(10, 8), step="investigate", assignee=org.a_member2)  # 环节超期 0 / -0.2
    make_order(db, s1, issued_at=shanghai(10, 12), answer_due_at=shanghai(10, 15), answered_at=shanghai(10, 16))
    db.add(ClockEvent(family=s1.family, subject_id=s1.subject_id, kind="level_changed", at=shanghai(10, 11),
                      note="yellow → orange"))  # 橙色督办 -0.5 / 0
    record_step(db, s1, actor=org.a_member2, at=shanghai(10, 5), step="draft_reply", squad=a)
    record_step(db, s1, actor=org.coordinator, at=shanghai(10, 6), step="review", decision="return")  # -0.3/-0.2
    record_step(db, s1, actor=org.coordinator, at=shanghai(10, 20), step="follow_up", satisfaction="unsatisfied")
    record_step(db, s1, actor=org.a_member, at=shanghai(10, 21), step="rectify", squad=a)  # first: nothing
    record_step(db, s1, actor=org.a_member, at=shanghai(10, 25), step="rectify", squad=a)  # repeated: -1 / -0.5
    referral = make_referral(db, org, now=shanghai(10, 26), target_user=org.a_member)
    audit.record(db, actor=org.officer, now=shanghai(10, 28), family="referral", subject_id=referral.id,
                 action="complete", step="record_outcome", summary="处理结果：书面警告",
                 details={"outcome": "warning", "squad_id": None})  # -2 / -4
    for day in range(1, 13):
        late = make_subject_row(db, squad=b, handler=org.b_member, deadline_at=shanghai(10, day))
        make_overdue(db, late, due_at=shanghai(10, day))
    for day in (3, 4):
        make_subject_row(db, squad=b, handler=org.b_member, deadline_at=shanghai(10, 20), closed_at=shanghai(10, day))
    db.flush()
    return s1


def totals(db, column, target):
    rows = db.execute(select(column, func.sum(target)).where(ScoreEntry.status == "counted",
                                                             ScoreEntry.month == "2026-10").group_by(column))
    return {k: v for k, v in rows}


def test_scores_equal_the_hand_computed_figures(db, org):
    build_october(db, org)
    ledger.rebuild(db, now=NOW)
    squads = totals(db, ScoreEntry.squad_id, ScoreEntry.squad_points)
    # A: -0.5 (超期办结) -1 (超期未办结) -2 (红色督办单) -1 (逾期答复) -0.5 (橙) -0.3 (退回) -1 (不满意)
    #    -1 (重复整改) -2 (书面警告) = -9.3;  B: 12 x -1 capped at -10, +2 (按期率 100% ≥ 95%) = -8
    assert squads[org.squad_a.id] == D("-9.30")
    assert squads[org.squad_b.id] == D("-8.00")
    people = totals(db, ScoreEntry.person_id, ScoreEntry.person_points)
    # a_member: -0.2 -0.5 -1 -0.5 -0.5 -0.5 -4 = -7.2; a_member2: -0.2 (环节超期) -0.2 (退回); b_member 12 x -0.5
    assert people[org.a_member.id] == D("-7.20")
    assert people[org.a_member2.id] == D("-0.40")
    assert people[org.b_member.id] == D("-6.00")
    codes = dict(db.execute(select(ScoreEntry.code, func.count()).where(ScoreEntry.squad_id == org.squad_a.id)
                            .group_by(ScoreEntry.code)).all())
    assert codes == {"overdue_closed": 1, "overdue_open": 1, "step_overdue": 1, "order_red": 1, "order_late": 1,
                     "level_orange": 1, "step_returned": 1, "callback_unsatisfied": 1, "repeat_rectification": 1,
                     "referral_upheld": 1}


def test_the_cap_cuts_the_line_that_crosses_it_and_zeroes_the_rest(db, org):
    build_october(db, org)
    ledger.rebuild(db, now=NOW)
    lines = db.scalars(select(ScoreEntry).where(ScoreEntry.squad_id == org.squad_b.id,
                                                ScoreEntry.code == "overdue_open").order_by(ScoreEntry.occurred_at))
    assert [line.squad_points for line in lines] == [D("-1")] * 10 + [D("0")] * 2


def test_every_line_points_to_its_event_rule_version_squad_and_person(db, org):
    s1 = build_october(db, org)
    ledger.rebuild(db, now=NOW)
    returned = db.scalar(select(ScoreEntry).where(ScoreEntry.code == "step_returned"))
    assert (returned.source, returned.family, returned.subject_id, returned.step) == (
        "audit", s1.family, s1.subject_id, "review")
    assert returned.rule.code == "step_returned" and returned.rule.version == 1 and returned.rule.year == 2026
    assert (returned.squad_id, returned.person_id) == (org.squad_a.id, org.a_member2.id)  # who drafted, not review


def test_rebuilding_twice_adds_nothing_and_gives_the_same_lines(db, org):
    build_october(db, org)
    first = ledger.rebuild(db, now=NOW)
    snapshot = sorted((e.key, e.squad_points, e.person_points, e.rule_id) for e in db.scalars(select(ScoreEntry)))
    again = ledger.rebuild(db, now=NOW)
    assert first.added == len(snapshot) > 20
    assert (again.added, again.changed, again.removed) == (0, 0, 0)
    assert sorted((e.key, e.squad_points, e.person_points, e.rule_id) for e in db.scalars(select(ScoreEntry))) == \
        snapshot


def test_events_after_now_and_running_months_are_not_scored_yet(db, org):
    build_october(db, org)
    ledger.rebuild(db, now=shanghai(10, 31))  # October still running: no on-time bonus yet
    assert db.scalar(select(func.count()).select_from(ScoreEntry).where(ScoreEntry.code == "on_time_rate")) == 0
    ledger.rebuild(db, now=shanghai(10, 9))
    assert db.scalar(select(func.count()).select_from(ScoreEntry).where(ScoreEntry.code == "referral_upheld")) == 0


def test_a_rule_edit_is_a_new_version_and_the_next_rebuild_follows_it(db, org):
    build_october(db, org)
    ledger.rebuild(db, now=NOW)
    rule = next(r for r in rules.current(db, 2026) if r.code == "order_red")
    with pytest.raises(PermissionDenied):
        rules.edit(db, actor=org.coordinator, now=NOW, rule_id=rule.id, data=rules.RuleInput("-3", "-1"))
    with pytest.raises(InvalidInput) as bad:
        rules.edit(db, actor=org.admin, now=NOW, rule_id=rule.id, data=rules.RuleInput("三分", "-1"))
    assert bad.value.field == "squad_points"
    new = rules.edit(db, actor=org.admin, now=NOW + timedelta(minutes=1), rule_id=rule.id,
                     data=rules.RuleInput("-3", "-1", cap="10"))
    assert new.version == 2 and rule.superseded_at is not None
    changed = ledger.rebuild(db, now=NOW)
    assert changed.changed == 1
    line = db.scalar(select(ScoreEntry).where(ScoreEntry.code == "order_red"))
    assert line.rule_id == new.id and line.squad_points == D("-3")
    assert audit.timeline(db, "score_rule", new.id)[0].action == "score_rule"


def test_an_inactive_rule_scores_nothing(db, org):
    build_october(db, org)
    rule = next(r for r in rules.current(db, 2026) if r.code == "level_orange")
    rules.edit(db, actor=org.admin, now=NOW, rule_id=rule.id, data=rules.RuleInput("-0.5", "0", active=False))
    ledger.rebuild(db, now=NOW)
    assert db.scalar(select(func.count()).select_from(ScoreEntry).where(ScoreEntry.code == "level_orange")) == 0


def test_a_real_item_overdue_through_the_toolkit_is_scored_from_its_records(db, org):
    """No fixture rows: an item past its deadline, run through the ladder, leaves the records the ledger reads."""
    from tests.factories import NOW as FACTORY_NOW
    from tests.factories import finish, make_item, open_work
    from workflows.deadlines import ladder

    rules.seed_year(db, year=2026, now=FACTORY_NOW)
    item = make_item(db, org, received_at=FACTORY_NOW - timedelta(days=20),
                     deadline_on=(FACTORY_NOW - timedelta(days=10)).date())
    finish(db, actor=org.coordinator, now=FACTORY_NOW, item=item, task_uuid=open_work(db, item)[0].task_uuid,
           values={"lead_squad_id": org.squad_a.id})
    ladder.process_subject(db, "instructed_item", item.id, FACTORY_NOW)
    ledger.rebuild(db, now=FACTORY_NOW + timedelta(days=30))
    codes = sorted(db.scalars(select(ScoreEntry.code).where(ScoreEntry.subject_id == item.id)))
    assert "overdue_open" in codes and "order_red" in codes and "order_late" in codes
    assert {e.squad_id for e in db.scalars(select(ScoreEntry).where(ScoreEntry.subject_id == item.id))} == {
        org.squad_a.id}
