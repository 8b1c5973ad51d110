"""Monthly callback plans (reproducible sample), recording calls, reopen on "not satisfied", spot checks."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from models.petitions import Callback, RepeatCandidate
from tests.factories import NOW, make_petition
from tests.workflows.petitions.helpers import OCTOBER, closed_petition, do, steps
from workflows.errors import Conflict, InvalidInput, PermissionDenied
from workflows.petitions import callbacks, checks, detection, figures


def closed_batch(db, org, n=10):
    return [closed_petition(db, org, petitioner_phone=f"1390000{i:04d}", petitioner_id_no="",
                            address=f"天山路{i + 1}号", category=f"类别{i}",
                            content=f"第{i}件：{'甲乙丙丁戊己庚辛壬癸'[i]}事")
            for i in range(n)]


def test_plan_takes_all_repeats_and_a_reproducible_sample(db, org):
    plain = closed_batch(db, org, 10)
    first = closed_petition(db, org, at=OCTOBER - timedelta(days=30))
    repeat = closed_petition(db, org)
    cand = db.scalar(select(RepeatCandidate).where(RepeatCandidate.petition_id == repeat.id,
                                                   RepeatCandidate.candidate_id == first.id))
    detection.confirm(db, actor=org.coordinator, now=OCTOBER, candidate_id=cand.id)
    plan = callbacks.propose_plan(db, actor=org.coordinator, now=NOW, month="2026-11", squad=org.squad_a,
                                  sample_percent=30)
    rows = db.scalars(select(Callback).where(Callback.plan_id == plan.id)).all()
    assert {r.petition_id for r in rows if r.reason == "repeat"} == {repeat.id}
    sample = sorted(r.petition_id for r in rows if r.reason == "sample")
    assert len(sample) == 3 and set(sample) <= {p.id for p in plain}
    assert sample == callbacks.draw([p.id for p in plain], 30, plan.seed)
    assert plan.seed == callbacks.plan_seed("2026-11", org.squad_a.id) and callbacks.verify_plan(db, plan)
    with pytest.raises(Conflict):
        callbacks.propose_plan(db, actor=org.coordinator, now=NOW, month="2026-11", squad=org.squad_a,
                               sample_percent=30)
    with pytest.raises(PermissionDenied):
        callbacks.propose_plan(db, actor=org.a_leader, now=NOW, month="2026-11", squad=org.squad_b,
                               sample_percent=30)


def test_draw_is_deterministic_and_seed_dependent():
    population = list(range(1, 101))
    assert callbacks.draw(population, 20, 7) == callbacks.draw(list(reversed(population)), 20, 7)
    assert callbacks.draw(population, 20, 7) != callbacks.draw(population, 20, 8)
    assert len(callbacks.draw(population, 20, 7)) == 20


def test_unsatisfied_callback_reopens_for_rectification_and_recheck(db, org):
    petition = closed_petition(db, org)
    plan = callbacks.propose_plan(db, actor=org.coordinator, now=NOW, month="2026-11", squad=org.squad_a,
                                  sample_percent=100)
    call = db.scalar(select(Callback).where(Callback.plan_id == plan.id))
    callbacks.record_callback(db, actor=org.coordinator, now=NOW, callback_id=call.id, reached=False)
    assert call.status == "unreached" and petition.status == "closed"
    with pytest.raises(InvalidInput) as exc:
        callbacks.record_callback(db, actor=org.coordinator, now=NOW, callback_id=call.id, reached=True,
                                  satisfaction="unsatisfied", solved=False, notes="")
    assert exc.value.field == "notes"
    callbacks.record_callback(db, actor=org.coordinator, now=NOW, callback_id=call.id, reached=True,
                              satisfaction="unsatisfied", solved=False, notes="噪音依旧")
    assert call.status == "done" and call.attempts == 2
    assert petition.status == "open" and petition.reopen_count == 1 and steps(db, petition) == ["rectify"]
    assert petition.chain_id == petition.id
    with pytest.raises(Conflict):
        callbacks.record_callback(db, actor=org.coordinator, now=NOW, callback_id=call.id, reached=True,
                                  satisfaction="satisfied", solved=True)
    do(db, org, petition, "rectify")
    do(db, org, petition, "recheck", decision="approve")
    assert petition.status == "closed"
    squad_a = next(f for f in figures.month_figures(db, "2026-11", [org.squad_a]))
    assert (squad_a.callbacks_made, squad_a.satisfied, squad_a.reopened) == (1, 0, 1)
    assert squad_a.satisfaction_rate == 0.0


def test_satisfied_callback_does_not_reopen(db, org):
    petition = closed_petition(db, org)
    plan = callbacks.propose_plan(db, actor=org.coordinator, now=NOW, month="2026-11", squad=org.squad_a,
                                  sample_percent=100)
    call = db.scalar(select(Callback).where(Callback.plan_id == plan.id))
    callbacks.record_callback(db, actor=org.coordinator, now=NOW, callback_id=call.id, reached=True,
                              satisfaction="basically", solved=True)
    assert petition.status == "closed" and petition.satisfaction == "basically"
    october = figures.month_figures(db, "2026-10", [org.squad_a])[0]
    assert (october.received, october.closed, october.closed_on_time) == (1, 1, 1)


def test_spot_check_and_finding(db, org):
    open_one = make_petition(db, org)
    with pytest.raises(InvalidInput):
        checks.record_spot_check(db, actor=org.coordinator, now=NOW, petition=open_one, checked_on=NOW.date(),
                                 result="ok", findings="现场已整改")
    petition = closed_petition(db, org)
    check = checks.record_spot_check(db, actor=org.coordinator, now=NOW, petition=petition, checked_on=NOW.date(),
                                     result="problem", findings="现场仍有违法搭建")
    finding = checks.record_finding(db, actor=org.coordinator, now=NOW, petition=petition, source="spot_check",
                                    source_id=check.id, classification="inaction", description="中队未实际整改")
    assert finding.squad_id == org.squad_a.id and finding.classification_label == "不作为"
    with pytest.raises(InvalidInput):
        checks.record_finding(db, actor=org.coordinator, now=NOW, petition=petition, source="callback",
                              source_id=None, classification="lazy", description="x")
    sample = checks.spot_check_sample(db, org.squad_a, "2026-11", 100)
    assert [p.id for p in sample] == [petition.id]
