"""The referral as a BPMN call activity of each family that can lead to accountability: the deciding step opens
it, the caller goes on in parallel (as modelled: a parallel fork, the referral branch ending at 追责办结), and the
caller closes only when both branches have ended, whichever ends first."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

import pytest

from models.engine import ProcessInstance, ProcessVersion
from models.referrals import AccountabilityReferral
from tests.factories import NOW, finish, make_case, make_item, make_referral, open_work
from tests.workflows.cases.test_lifecycle import ALL_OK
from tests.workflows.items.test_lifecycle import do as item_do
from tests.workflows.items.test_lifecycle import handle_until_review
from tests.workflows.petitions import helpers as petition_steps
from tests.workflows.referrals.test_lifecycle import conclude
from tests.workflows.referrals.test_lifecycle import do as referral_do
from workflows import audit, engine, versions
from workflows.engine.trail import trail
from workflows.errors import InvalidInput, PermissionDenied

BPMN = Path(__file__).resolve().parents[3] / "bpmn"
REFER = {"refer": "y", "refer_classification": "slow", "refer_facts": "未按期调查取证，拖延办理。"}
LATER = NOW + timedelta(hours=2)


def steps(db, subject):
    return [w.step for w in open_work(db, subject)]


def the_referral(db, family, subject_id) -> AccountabilityReferral:
    return db.query(AccountabilityReferral).filter_by(source_family=family, source_subject_id=subject_id).one()


def item_referred(db, org, decision="approve"):
    item = make_item(db, org)
    handle_until_review(db, org, item)
    item_do(db, org, item, "review", decision=decision, opinion="证据不足" if decision == "return" else "", **REFER)
    return item, the_referral(db, "instructed_item", item.id)


def test_the_review_calls_the_referral_and_the_item_waits(db, org):
    item, referral = item_referred(db, org)
    assert referral.instance_id == item.instance_id, "one instance: the referral runs inside the item's process"
    assert (referral.target_user_id, referral.target_squad_id) == (org.a_member.id, org.squad_a.id)
    assert steps(db, referral) == ["accept"] and steps(db, item) == []
    assert item.status == "open" and item.current_step_name == "追责移送"
    work = open_work(db, referral)[0]
    assert (work.family, work.section_id, work.instance_id) == ("referral", org.inspection.id, item.instance_id)
    snap = engine.read_snapshot(db, item.instance_id)
    assert [c.process for c in snap.calls] == ["accountability_referral"] and not snap.calls[0].completed
    assert [e.action for e in audit.timeline(db, "referral", referral.id)] == ["refer"]
    path = trail(db, item.instance_id)
    assert "refer_accountability" in path.active and ("gw_refer", "refer_accountability") in path.flows


def test_after_the_referral_the_item_goes_on_with_its_decision(db, org):
    item, referral = item_referred(db, org)
    referral_do(db, org.officer, referral, "accept", decision="return", opinion="请补充超期记录")
    referral_do(db, org.coordinator, referral, "supplement", addition="附超期记录两份")
    conclude(db, org, referral)
    assert referral.status == "closed" and referral.outcome == "warning" and steps(db, referral) == []
    assert item.status == "open" and steps(db, item) == ["send_reply"] and item.current_step_name == "回复"
    assert engine.read_snapshot(db, item.instance_id).calls[0].completed
    item_do(db, org, item, "send_reply")
    item_do(db, org, item, "follow_up", method="callback", satisfaction="satisfied", solved=True, at=LATER)
    assert item.status == "closed" and item.closed_at == LATER and referral.status == "closed"


def test_a_return_with_a_referral_goes_back_to_the_squad_after_it(db, org):
    item, referral = item_referred(db, org, decision="return")
    assert steps(db, item) == []
    conclude(db, org, referral, outcome="no_action", doc_number="", note="")
    assert steps(db, item) == ["draft_reply"]


def test_without_referral_nothing_is_called(db, org):
    item = make_item(db, org)
    handle_until_review(db, org, item)
    item_do(db, org, item, "review", decision="approve")
    assert db.query(AccountabilityReferral).count() == 0
    assert engine.read_snapshot(db, item.instance_id).calls == []


def test_bad_referral_input_changes_nothing(db, org):
    item = make_item(db, org)
    handle_until_review(db, org, item)
    with pytest.raises(InvalidInput) as err:
        item_do(db, org, item, "review", decision="approve", refer="y", refer_classification="nope")
    assert err.value.field == "refer_classification"
    with pytest.raises(InvalidInput) as err:
        item_do(db, org, item, "review", decision="approve", refer="y", refer_classification="slow", refer_facts=" ")
    assert err.value.field == "refer_facts"


def test_only_a_coordinator_or_leader_refers(db, org):
    item = make_item(db, org)
    handle_until_review(db, org, item)
    work = next(w for w in open_work(db, item) if w.step == "review")
    with pytest.raises(PermissionDenied):
        finish(db, actor=org.a_member, now=NOW, item=item, task_uuid=work.task_uuid,
               values={"decision": "approve", **REFER})


def test_a_petition_review_calls_the_referral(db, org):
    petition = petition_steps.make_petition(db, org)
    petition_steps.handle(db, org, petition)
    petition_steps.do(db, org, petition, "review", decision="approve", **REFER)
    referral = the_referral(db, "petition", petition.id)
    assert petition.status == "open" and steps(db, petition) == [] and steps(db, referral) == ["accept"]
    conclude(db, org, referral)
    assert referral.status == "closed" and petition.status == "closed"


def test_a_major_case_review_calls_the_referral_while_the_rectification_runs(db, org):
    case = make_case(db, org, forms=["letter"])
    values = {**ALL_OK, "mode": "conclude", "result_procedure": "problem", "note_procedure": "未送达告知书",
              "rectify_days": 5, **REFER}
    work = open_work(db, case)[0]
    finish(db, actor=org.coordinator, now=NOW, case=case, task_uuid=work.task_uuid, values=values)
    referral = the_referral(db, "major_case", case.id)
    assert steps(db, case) == ["rectify"] and steps(db, referral) == ["accept"]
    conclude(db, org, referral)
    assert case.status == "open" and steps(db, case) == ["rectify"]


def test_a_referral_by_hand_is_still_its_own_instance(db, org):
    referral = make_referral(db, org)
    row = db.get(ProcessInstance, referral.instance_id)
    assert steps(db, referral) == ["accept"]
    assert (row.family, row.subject_id) == ("referral", referral.id)


def _version_without_the_call(tmp_path: Path):
    folder = tmp_path / "bpmn"
    shutil.copytree(BPMN, folder)
    path = folder / "instructed_item.bpmn"
    text = path.read_text(encoding="utf-8")
    old = text.replace('sourceRef="review" targetRef="gw_refer"', 'sourceRef="review" targetRef="gw_review"')
    assert old != text
    path.write_text(old, "utf-8")
    return engine.parse_folder(folder)["instructed_item"]


def test_an_instance_of_a_version_before_the_call_keeps_working_and_moves_to_get_it(db, org, tmp_path):
    item = make_item(db, org)
    current = db.get(ProcessVersion, db.get(ProcessInstance, item.instance_id).version_id)
    before = engine.deploy(db, _version_without_the_call(tmp_path), NOW)
    versions.migrate_one(db, actor=org.admin, now=NOW, instance_id=item.instance_id, target=before, mapping={})
    handle_until_review(db, org, item)
    with pytest.raises(InvalidInput) as err, db.begin_nested():  # the view's rollback
        item_do(db, org, item, "review", decision="approve", **REFER)
    assert err.value.field == "refer" and db.query(AccountabilityReferral).count() == 0
    db.expire_all()
    versions.migrate_one(db, actor=org.admin, now=NOW, instance_id=item.instance_id, target=current, mapping={})
    item_do(db, org, item, "review", decision="approve", **REFER)
    referral = the_referral(db, "instructed_item", item.id)
    assert steps(db, referral) == ["accept"] and steps(db, item) == []


def test_an_instance_of_a_version_before_the_call_still_closes_without_referral(db, org, tmp_path):
    item = make_item(db, org)
    before = engine.deploy(db, _version_without_the_call(tmp_path), NOW)
    versions.migrate_one(db, actor=org.admin, now=NOW, instance_id=item.instance_id, target=before, mapping={})
    handle_until_review(db, org, item)
    item_do(db, org, item, "review", decision="approve")
    assert steps(db, item) == ["send_reply"]
