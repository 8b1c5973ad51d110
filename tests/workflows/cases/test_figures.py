"""Monthly figures per squad and per officer."""

from __future__ import annotations

from datetime import timedelta

from models.cases import CasePoint
from tests.factories import NOW, finish, make_case, make_referral, open_work
from workflows.cases import figures


def _conclude(db, org, case, at, **problems):
    values = {f"result_{p.value}": "ok" for p in CasePoint} | {"mode": "conclude", "rectify_days": 5}
    for point, note in problems.items():
        values[f"result_{point}"], values[f"note_{point}"] = "problem", note
    work = open_work(db, case)[0]
    finish(db, actor=org.coordinator, now=at, case=case, task_uuid=work.task_uuid, values=values)


def _close_referral(db, org, referral, at, outcome):
    for step, values in [("accept", {"decision": "accept"}), ("investigate", {"findings": "属实"}),
                         ("record_outcome", {"outcome": outcome, "outcome_on": at.date(), "doc_number": "文号"})]:
        work = open_work(db, referral)[0]
        assert work.step == step
        finish(db, actor=org.officer, now=at, referral=referral, task_uuid=work.task_uuid,
                              values=values)


def test_month_counts_by_squad_and_officer(db, org):
    a1 = make_case(db, org, forms=["letter"])
    _conclude(db, org, a1, NOW, law="适用错误", procedure="程序违法")
    a2 = make_case(db, org, forms=["letter"])
    _conclude(db, org, a2, NOW, law="适用错误")
    b1 = make_case(db, org, forms=["letter"], squad=org.squad_b)
    _conclude(db, org, b1, NOW)
    make_case(db, org, forms=["letter"], now=NOW - timedelta(days=40), title="上月案件")
    referral = make_referral(db, org, family="major_case", subject_id=a1.id)
    _close_referral(db, org, referral, NOW, "warning")
    make_referral(db, org, family="major_case", subject_id=a2.id, target_user=org.b_member)

    month = figures.month(db, 2026, 11)
    by_squad = {s.id: row for s, row in month.squads}
    a, b = by_squad[org.squad_a.id], by_squad[org.squad_b.id]
    assert (a.cases, a.problems, a.referrals, a.outcomes) == (2, {"law": 2, "procedure": 1}, 1, {"warning": 1})
    assert (b.cases, b.problems, b.referrals, b.outcomes) == (1, {}, 1, {})
    by_officer = {u.id: row for u, row in month.officers}
    assert by_officer[org.a_member.id].cases == 2 and by_officer[org.a_member.id].problems == {"law": 2, "procedure": 1}
    assert by_officer[org.a_member.id].outcomes == {"warning": 1} and by_officer[org.b_member.id].referrals == 1
    september = {s.id: row for s, row in figures.month(db, 2026, 9).squads}
    assert september[org.squad_a.id].cases == 1, "the case opened 40 days earlier counts in its own month"
