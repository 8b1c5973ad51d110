"""Every path of the accountability-referral process, from every family, through the domain operations."""

from __future__ import annotations

from datetime import timedelta

import pytest

from models.org import Role
from models.referrals import AccountabilityReferral
from tests.factories import NOW, finish, make_case, make_item, make_referral, make_user, open_work
from workflows import audit, engine
from workflows.calendar import load_calendar
from workflows.deadlines import ladder
from workflows.errors import InvalidInput, NotFound, PermissionDenied
from workflows.referrals import evidence
from workflows.referrals import operations as ops
from workflows.referrals.access import can_view_referral, shows_referrer
from workflows.tasks.access import visible

OUTCOME = {"outcome": "warning", "outcome_on": NOW.date(), "doc_number": "长城管督察〔2026〕3号", "note": "书面警告"}


def steps(db, referral):
    return [w.step for w in open_work(db, referral)]


def do(db, actor, referral, step, at=NOW, **values):
    work = next(w for w in open_work(db, referral) if w.step == step)
    return finish(db, actor=actor, now=at, referral=referral, task_uuid=work.task_uuid, values=values)


def conclude(db, org, referral, **outcome):
    do(db, org.officer, referral, "accept", decision="accept")
    do(db, org.officer, referral, "investigate", findings="经核实，承办人未按期调查取证属实")
    do(db, org.officer, referral, "record_outcome", **{**OUTCOME, **outcome})


def test_referral_from_an_instructed_item_to_its_outcome(db, org):
    referral = make_referral(db, org)
    assert referral.number == "追责2026-0001" and referral.section_id == org.inspection.id
    work = open_work(db, referral)[0]
    calendar = load_calendar(db)
    assert (work.step, work.step_group, work.section_id) == ("accept", "section", org.inspection.id)
    assert work.due_at == calendar.add_working_days(NOW, 2).due_at
    assert referral.deadline_at == calendar.add_working_days(NOW, 20).due_at
    conclude(db, org, referral)
    assert referral.status == "closed" and referral.closed_at == NOW and steps(db, referral) == []
    assert (referral.outcome, referral.outcome_label, referral.outcome_doc_number) == (
        "warning", "书面警告", "长城管督察〔2026〕3号")
    snapshot = engine.read_snapshot(db, referral.instance_id)
    assert snapshot.completed and snapshot.data["outcome"] == "warning"
    actions = [e.action for e in audit.timeline(db, "referral", referral.id)]
    assert actions == ["refer", "complete", "complete", "complete"]
    assert ops.for_source(db, org.coordinator, "instructed_item", referral.source_subject_id) == [referral]


def test_returned_for_more_material_then_accepted(db, org):
    referral = make_referral(db, org)
    with pytest.raises(InvalidInput) as err:
        do(db, org.officer, referral, "accept", decision="return", opinion="")
    assert err.value.field == "opinion"
    do(db, org.officer, referral, "accept", decision="return", opinion="请补充超期记录")
    assert steps(db, referral) == ["supplement"]
    with pytest.raises(PermissionDenied):
        do(db, org.officer, referral, "supplement", addition="x")
    do(db, org.coordinator, referral, "supplement", addition="附超期记录两份")
    assert "【补充材料】附超期记录两份" in referral.facts and steps(db, referral) == ["accept"]
    conclude(db, org, referral, outcome="no_action", doc_number="", note="")
    assert referral.outcome == "no_action"


def test_outcome_rules(db, org):
    referral = make_referral(db, org)
    do(db, org.officer, referral, "accept", decision="accept")
    do(db, org.officer, referral, "investigate", findings="属实")
    for values, field in [({**OUTCOME, "outcome": "nope"}, "outcome"), ({**OUTCOME, "outcome_on": None}, "outcome_on"),
                          ({**OUTCOME, "outcome_on": NOW.date() + timedelta(days=3)}, "outcome_on"),
                          ({**OUTCOME, "doc_number": " "}, "doc_number"),
                          ({**OUTCOME, "outcome": "other", "note": ""}, "note")]:
        with pytest.raises(InvalidInput) as err:
            do(db, org.officer, referral, "record_outcome", **values)
        assert err.value.field == field
    assert referral.status == "open" and referral.outcome is None


def test_referral_from_a_major_case(db, org):
    case = make_case(db, org, forms=["letter"])
    referral = make_referral(db, org, family="major_case", subject_id=case.id, classification="wrong")
    assert referral.source_label.startswith(case.number) and referral.target_squad_id == org.squad_a.id
    conclude(db, org, referral, outcome="talk")
    assert referral.outcome_label == "谈话提醒/批评教育"


def test_referral_from_a_petition_or_any_family_with_a_trace(db, org):
    audit.record(db, actor=org.coordinator, now=NOW, family="petition", subject_id=77, action="register",
                 summary="登记信访件")
    spec = ops.ReferralInput(family="petition", subject_id=77, classification="inaction", facts="群众反映推诿",
                             target_squad_id=org.squad_b.id, source_label="信2026-0077 噪音扰民")
    referral = ops.refer(db, actor=org.leader, now=NOW, spec=spec)
    assert (referral.source_label, referral.target_user_id, referral.target_squad_id) == (
        "信2026-0077 噪音扰民", None, org.squad_b.id)
    conclude(db, org, referral, outcome="transfer")
    assert referral.status == "closed"
    with pytest.raises(NotFound):
        ops.refer(db, actor=org.leader, now=NOW, spec=ops.ReferralInput(
            family="petition", subject_id=78, classification="inaction", facts="x", target_squad_id=org.squad_b.id))
    with pytest.raises(InvalidInput):
        ops.refer(db, actor=org.leader, now=NOW, spec=ops.ReferralInput(
            family="Bad Family!", subject_id=1, classification="inaction", facts="x", target_squad_id=org.squad_b.id))


def test_referral_from_an_overdue_escalation_with_slow_action_evidence(db, org):
    registered = NOW - timedelta(days=12)
    item = make_item(db, org, now=registered, received_at=registered - timedelta(hours=1))
    assign = open_work(db, item)[0]
    finish(db, actor=org.coordinator, now=NOW, item=item, task_uuid=assign.task_uuid,
                           values={"lead_squad_id": org.squad_a.id})
    ladder.process_subject(db, "instructed_item", item.id, NOW)
    assert item.level == "red", "long overdue: escalated to the leaders"
    found = evidence.candidates(db, "instructed_item", item.id, NOW + timedelta(days=3))
    slow = evidence.prefill(found, "slow")
    kinds = {e.kind for e in found if e.key in slow}
    assert "step" in kinds and "overdue" in kinds, found
    assert evidence.prefill(found, "wrong") == []
    referral = make_referral(db, org, subject_id=item.id, evidence_keys=slow, actor=org.leader,
                             now=NOW + timedelta(days=3))
    assert [e["key"] for e in referral.evidence] == slow and all(e["slow"] for e in referral.evidence)
    conclude(db, org, referral)
    assert referral.status == "closed"


def test_referral_rules(db, org):
    item = make_item(db, org)
    with pytest.raises(PermissionDenied):
        make_referral(db, org, subject_id=item.id, actor=org.a_leader)
    with pytest.raises(InvalidInput) as err:
        make_referral(db, org, subject_id=item.id, evidence_keys=["audit:999999"])
    assert err.value.field == "evidence"
    with pytest.raises(InvalidInput) as err:
        make_referral(db, org, subject_id=item.id, classification="bad")
    assert err.value.field == "classification"
    with pytest.raises(InvalidInput) as err:
        ops.refer(db, actor=org.coordinator, now=NOW, spec=ops.ReferralInput(
            family="instructed_item", subject_id=item.id, classification="slow", facts="x",
            target_squad_id=org.squad_a.id, section_id=org.coordination.id))
    assert err.value.field == "section_id"
    with pytest.raises(NotFound):
        make_referral(db, org, subject_id=999999)
    assert db.query(AccountabilityReferral).count() == 0, "nothing half-saved"


def test_who_sees_and_who_acts(db, org):
    legal = make_user(db, Role.SECTION_OFFICER, section=org.legal, name="法制员")
    referred = make_user(db, Role.SECTION_OFFICER, section=org.inspection, name="被移送督察员")
    referral = make_referral(db, org, target_user=referred)
    for user, sees in [(org.coordinator, True), (org.leader, True), (org.officer, True), (referred, True),
                       (legal, False), (org.a_leader, False), (org.a_member, False), (org.admin, False)]:
        assert can_view_referral(user, referral) == sees, user.name
    with pytest.raises(NotFound):
        visible(db, org.a_member, "referral", referral.id)
    with pytest.raises(NotFound):
        do(db, legal, referral, "accept", decision="accept")
    with pytest.raises(PermissionDenied):  # sees it (their section holds it) but never handles their own
        do(db, referred, referral, "accept", decision="accept")
    assert not shows_referrer(referred, referral) and shows_referrer(org.officer, referral)
    conclude(db, org, referral)
    assert shows_referrer(referred, referral), "the referrer is shown once the referral is closed"


def test_overdue_records_of_the_deadline_ladder_are_slow_action_evidence(db, org):
    if evidence.OverdueRecord is None:
        pytest.skip("the deadline ladder (models.deadlines.OverdueRecord) is not present")
    item = make_item(db, org)
    db.add(evidence.OverdueRecord(key=f"test:{item.id}", family="instructed_item", subject_id=item.id,
                                  step="assign", step_name="交办", squad_id=None, due_at=NOW - timedelta(days=1),
                                  detected_at=NOW))
    db.flush()
    found = evidence.candidates(db, "instructed_item", item.id, NOW)
    record = next(e for e in found if e.kind == "overdue_record")
    assert record.slow and record.key in evidence.prefill(found, "slow") and "交办" in record.label
