"""Commendation (优秀监督案例评选, 文明规范执法先进个人) feeds the bonus rules; inspection findings count by their
template deduction once the inspections area's `finding` table exists."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from models.scores import ScoreEntry
from tests.factories import make_finding, make_subject_row, shanghai
from workflows import audit
from workflows.errors import Conflict, InvalidInput, PermissionDenied
from workflows.scoring import awards, findings, ledger, rules

NOW = shanghai(11, 2)


def test_excellent_case_nominated_scored_reviewed_published_earns_its_bonus(db, org):
    rules.seed_year(db, year=2026, now=NOW)
    case = make_subject_row(db, squad=org.squad_a, handler=org.a_member, deadline_at=shanghai(10, 1),
                            closed_at=shanghai(9, 28))
    data = awards.Nomination("case", org.squad_a.id, "快速查处违法搭建", "三日内完成调查取证并拆除。",
                             subject_number=case.number)
    with pytest.raises(Conflict):
        awards.nominate(db, actor=org.a_leader, now=shanghai(9, 1), data=data)  # not the fourth quarter
    with pytest.raises(PermissionDenied):
        awards.nominate(db, actor=org.b_leader, now=NOW, data=data)
    with pytest.raises(InvalidInput):
        awards.nominate(db, actor=org.a_leader, now=NOW, data=awards.Nomination(
            "case", org.squad_a.id, "x", "y", subject_number="不存在"))
    row = awards.nominate(db, actor=org.a_leader, now=NOW, data=data)
    assert (row.family, row.subject_id) == (case.family, case.subject_id)
    with pytest.raises(Conflict):
        awards.review(db, actor=org.officer, now=NOW, commendation_id=row.id, selected=True)  # no scores yet
    with pytest.raises(PermissionDenied):
        awards.score(db, actor=org.a_member, now=NOW, commendation_id=row.id, points=90)
    with pytest.raises(InvalidInput):
        awards.score(db, actor=org.leader, now=NOW, commendation_id=row.id, points=101)
    awards.score(db, actor=org.leader, now=NOW, commendation_id=row.id, points=90)
    awards.score(db, actor=org.officer, now=NOW, commendation_id=row.id, points=85)
    assert awards.average(db, row.id) == 87.5
    awards.review(db, actor=org.officer, now=NOW, commendation_id=row.id, selected=True, opinion="推荐入选")
    ledger.rebuild(db, now=NOW)
    assert db.scalar(select(ScoreEntry).where(ScoreEntry.code == "excellent_case")) is None  # not published yet
    with pytest.raises(PermissionDenied):
        awards.publish(db, actor=org.officer, now=NOW, year=2026, kind="case")
    assert awards.publish(db, actor=org.leader, now=NOW, year=2026, kind="case") == 1
    ledger.rebuild(db, now=NOW)
    bonus = db.scalar(select(ScoreEntry).where(ScoreEntry.code == "excellent_case"))
    assert (bonus.squad_id, bonus.squad_points, bonus.person_points) == (org.squad_a.id, Decimal("3.00"), 0)
    assert [e.action for e in audit.timeline(db, "commendation", row.id)] == [
        "nominate", "panel_score", "panel_score", "review", "publish"]
    with pytest.raises(Conflict):
        awards.score(db, actor=org.leader, now=NOW, commendation_id=row.id, points=10)


def test_commended_person_earns_the_person_and_squad_bonus_and_the_unselected_nothing(db, org):
    rules.seed_year(db, year=2026, now=NOW)
    with pytest.raises(InvalidInput):
        awards.nominate(db, actor=org.a_leader, now=NOW, data=awards.Nomination(
            "person", org.squad_a.id, "文明执法", "事迹", person_id=org.b_member.id))
    good = awards.nominate(db, actor=org.a_leader, now=NOW, data=awards.Nomination(
        "person", org.squad_a.id, "文明规范执法标兵", "全年零投诉。", person_id=org.a_member.id))
    other = awards.nominate(db, actor=org.a_leader, now=NOW, data=awards.Nomination(
        "person", org.squad_a.id, "执法能手", "办件量大。", person_id=org.a_member2.id))
    awards.review(db, actor=org.coordinator, now=NOW, commendation_id=good.id, selected=True)
    awards.review(db, actor=org.coordinator, now=NOW, commendation_id=other.id, selected=False)
    awards.publish(db, actor=org.leader, now=NOW, year=2026, kind="person")
    with pytest.raises(Conflict):
        awards.publish(db, actor=org.leader, now=NOW, year=2026, kind="person")
    ledger.rebuild(db, now=NOW)
    lines = list(db.scalars(select(ScoreEntry).where(ScoreEntry.code == "commended_person")))
    assert [(e.person_id, e.person_points, e.squad_points) for e in lines] == [
        (org.a_member.id, Decimal("3.00"), Decimal("1.00"))]


def test_confirmed_findings_count_by_their_template_deduction(db, org):
    """A finding confirmed through a real inspection round (the inspections area's own path)."""
    rules.seed_year(db, year=2026, now=NOW)
    assert findings.present(db)
    finding = make_finding(db, org, date(2026, 10, 9))
    assert finding.confirmed_at is not None and finding.deduction > 0
    ledger.rebuild(db, now=NOW)
    lines = list(db.scalars(select(ScoreEntry).where(ScoreEntry.code == "finding")))
    person = -Decimal("0.5") * finding.deduction if finding.responsible_id else 0
    assert [(e.source_id, e.squad_id, e.squad_points, e.person_points) for e in lines] == [
        (finding.id, org.squad_a.id, (-finding.deduction).quantize(Decimal("0.01")), person)]
    finding.status = "dismissed"
    db.flush()
    ledger.rebuild(db, now=NOW)
    assert db.scalar(select(ScoreEntry).where(ScoreEntry.code == "finding")) is None
