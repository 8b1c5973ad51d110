"""Assessment periods: totals, ranks, breakdown and trend; a locked period is frozen against rule edits, late
events and rebuilds; appeals; who sees which lines."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from models.scores import ScoreEntry
from tests.factories import make_overdue, make_subject_row, shanghai
from tests.workflows.scoring.test_ledger import NOW, build_october
from workflows import audit
from workflows.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from workflows.scoring import access, appeals, ledger, periods, rules


def row_of(report, table, ident):
    return next(r for r in report[table] if r["id"] == ident)


def test_a_month_report_ranks_squads_and_people_with_breakdown_and_trend(db, org):
    build_october(db, org)
    make_overdue(db, make_subject_row(db, squad=org.squad_a, handler=org.a_member, deadline_at=shanghai(9, 10)),
                 due_at=shanghai(9, 10))  # September: A -1 (1st), B -3 (2nd)
    for day in (1, 2, 3):
        make_overdue(db, make_subject_row(db, squad=org.squad_b, handler=org.b_member, deadline_at=shanghai(9, day)),
                     due_at=shanghai(9, day))
    ledger.rebuild(db, now=NOW)
    report = periods.report(db, periods.parse("month", "2026-10"))
    a, b = row_of(report, "squads", org.squad_a.id), row_of(report, "squads", org.squad_b.id)
    assert (a["total"], b["total"]) == ("-9.30", "-8.00")
    assert (b["rank"], a["rank"]) == (1, 2)
    assert a["breakdown"]["referral_upheld"] == "-2.00" and b["breakdown"]["on_time_rate"] == "2.00"
    assert (a["previous_total"], a["delta"], a["movement"]) == ("-1.00", "-8.30", -1)  # 1st → 2nd
    assert (b["previous_total"], b["delta"], b["movement"]) == ("-3.00", "-5.00", 1)
    person = row_of(report, "people", org.a_member.id)
    assert person["total"] == "-7.20" and person["unit"] == org.squad_a.name
    quarter = periods.report(db, periods.parse("quarter", "2026-Q3"))
    assert row_of(quarter, "squads", org.squad_a.id)["total"] == "-1.00"


def test_period_keys_are_checked(db, org):
    for kind, key in (("month", "2026-13"), ("quarter", "2026-Q5"), ("year", "26"), ("week", "2026")):
        with pytest.raises(InvalidInput):
            periods.parse(kind, key)
    assert periods.parse("quarter", "2026-Q4").months == ["2026-10", "2026-11", "2026-12"]
    assert periods.previous(periods.parse("quarter", "2026-Q1")).key == "2025-Q4"
    assert periods.previous(periods.parse("month", "2026-01")).key == "2025-12"


def test_a_locked_period_is_unchanged_after_a_rule_edit_a_late_event_and_rebuilds(db, org):
    build_october(db, org)
    ledger.rebuild(db, now=NOW)
    with pytest.raises(PermissionDenied):
        periods.lock(db, actor=org.coordinator, now=NOW, kind="month", key="2026-10")
    with pytest.raises(Conflict):
        periods.lock(db, actor=org.leader, now=NOW, kind="month", key="2026-11")  # not over yet
    row = periods.lock(db, actor=org.leader, now=NOW, kind="month", key="2026-10")
    assert audit.timeline(db, "score_period", row.id)[0].action == "period_locked"
    before = periods.report(db, periods.parse("month", "2026-10"))
    lines = sorted((e.key, e.squad_points, e.rule_id) for e in db.scalars(select(ScoreEntry)))
    rule = next(r for r in rules.current(db, 2026) if r.code == "order_red")
    rules.edit(db, actor=org.admin, now=NOW, rule_id=rule.id, data=rules.RuleInput("-5", "-5"))
    late = make_subject_row(db, squad=org.squad_a, handler=org.a_member, deadline_at=shanghai(10, 30))
    make_overdue(db, late, due_at=shanghai(10, 30))  # recorded after the lock, dated inside the period
    rebuilt = ledger.rebuild(db, now=NOW + timedelta(days=1))
    assert rebuilt.frozen == 1 and (rebuilt.added, rebuilt.changed, rebuilt.removed) == (0, 0, 0)
    assert sorted((e.key, e.squad_points, e.rule_id) for e in db.scalars(select(ScoreEntry))) == lines
    after = periods.report(db, periods.parse("month", "2026-10"))
    assert after == before and after["locked"]["by"] == org.leader.name
    with pytest.raises(Conflict):
        periods.lock(db, actor=org.leader, now=NOW, kind="month", key="2026-10")


def test_the_appeal_flow_voids_a_line_for_good_or_keeps_it(db, org):
    build_october(db, org)
    ledger.rebuild(db, now=NOW)
    orange = db.scalar(select(ScoreEntry).where(ScoreEntry.code == "level_orange"))
    red = db.scalar(select(ScoreEntry).where(ScoreEntry.code == "order_red"))
    with pytest.raises(PermissionDenied):
        appeals.file(db, actor=org.a_member, now=NOW, entry_id=orange.id, reason="x")
    with pytest.raises(NotFound):  # another squad's line is out of sight
        appeals.file(db, actor=org.b_leader, now=NOW, entry_id=orange.id, reason="x")
    with pytest.raises(InvalidInput):
        appeals.file(db, actor=org.a_leader, now=NOW, entry_id=orange.id, reason="  ")
    first = appeals.file(db, actor=org.a_leader, now=NOW, entry_id=orange.id, reason="期限已获批延长，系统未及时更新",
                         evidence="延期审批单号 2026-118")
    with pytest.raises(Conflict):
        appeals.file(db, actor=org.a_leader, now=NOW, entry_id=orange.id, reason="again")
    with pytest.raises(NotFound):
        appeals.decide(db, actor=org.a_leader, now=NOW, appeal_id=first.id, verdict="voided", opinion="x")
    with pytest.raises(InvalidInput):
        appeals.decide(db, actor=org.officer, now=NOW, appeal_id=first.id, verdict="voided", opinion="")
    appeals.decide(db, actor=org.officer, now=NOW, appeal_id=first.id, verdict="voided", opinion="经核实，延期已获批准")
    assert orange.status == "voided" and first.status == "voided" and first.decided_by_id == org.officer.id
    second = appeals.file(db, actor=org.a_leader, now=NOW, entry_id=red.id, reason="督办单已答复")
    appeals.decide(db, actor=org.coordinator, now=NOW, appeal_id=second.id, verdict="stays", opinion="答复逾期，维持")
    assert red.status == "counted"
    with pytest.raises(Conflict):
        appeals.decide(db, actor=org.coordinator, now=NOW, appeal_id=second.id, verdict="voided", opinion="x")
    ledger.rebuild(db, now=NOW)
    assert orange.status == "voided"  # the rebuild keeps the decision
    report = periods.report(db, periods.parse("month", "2026-10"))
    assert row_of(report, "squads", org.squad_a.id)["total"] == "-8.80"  # -9.3 + 0.5
    trail = [e.action for e in audit.timeline(db, "score_appeal", first.id)]
    assert trail == ["appeal_filed", "appeal_voided"]
    assert [a.id for a in appeals.for_squad(db, org.a_leader)] == [second.id, first.id]
    assert appeals.for_squad(db, org.b_leader) == []


def test_a_locked_periods_lines_cannot_be_appealed(db, org):
    build_october(db, org)
    ledger.rebuild(db, now=NOW)
    periods.lock(db, actor=org.leader, now=NOW, kind="month", key="2026-10")
    line = db.scalar(select(ScoreEntry).where(ScoreEntry.squad_id == org.squad_a.id).limit(1))
    with pytest.raises(Conflict):
        appeals.file(db, actor=org.a_leader, now=NOW, entry_id=line.id, reason="迟到的申诉")


def test_scope_a_squad_sees_its_lines_a_person_their_own_leaders_all(db, org):
    build_october(db, org)
    ledger.rebuild(db, now=NOW)

    def seen(user):
        return {(e.squad_id, e.person_id) for e in db.scalars(select(ScoreEntry).where(access.entry_scope(user)))}

    everything = {(e.squad_id, e.person_id) for e in db.scalars(select(ScoreEntry))}
    assert seen(org.leader) == everything and seen(org.coordinator) == everything and seen(org.officer) == everything
    assert {s for s, _ in seen(org.a_leader)} == {org.squad_a.id}
    assert {p for _, p in seen(org.a_member)} == {org.a_member.id}
    assert {p for _, p in seen(org.b_member)} == {org.b_member.id}
    assert seen(org.admin) == set()
    assert access.can_see_record(org.a_leader, org.a_member) and not access.can_see_record(org.b_leader, org.a_member)
    assert not access.can_see_record(org.a_member2, org.a_member) and not access.can_see_record(org.coordinator,
                                                                                               org.a_member)
    assert access.can_see_record(org.officer, org.a_member) and access.can_see_record(org.leader, org.a_member)
    assert sum(e.person_points for e in db.scalars(select(ScoreEntry).where(access.entry_scope(org.a_member2)))) == \
        Decimal("-0.40")
