"""Every path of the major-case process, through the domain operations."""

from __future__ import annotations

from datetime import timedelta

import pytest

from models.cases import CasePoint, SupervisionLetter
from models.org import Role
from tests.factories import NOW, finish, make_case, make_user, open_work
from workflows import audit
from workflows.calendar import load_calendar
from workflows.cases import operations
from workflows.errors import Conflict, InvalidInput, NotFound, PermissionDenied

ALL_OK = {f"result_{p.value}": "ok" for p in CasePoint}
RECORD = {
    "onsite": dict(people="协调科王某、中队李某", content="现场核查：违法建筑仍未拆除", decisions=""),
    "meeting": dict(people="协调科、法制科、华阳路中队", content="会议纪要：案件事实清楚",
                    decisions="五日内作出处罚决定"),
    "phone": dict(people="华阳路中队长", content="询问案件进展，中队称已完成调查", decisions=""),
}


@pytest.fixture
def legal(db, org):
    return make_user(db, Role.SECTION_OFFICER, section=org.legal, name="法制员")


def steps(db, case):
    return [w.step for w in open_work(db, case)]


def record(db, org, case, form, at=NOW):
    rec = operations.RecordInput(form=form, held_at=at - timedelta(hours=1), **RECORD[form])
    return operations.add_record(db, actor=org.coordinator, now=at, case=case, rec=rec)


def do(db, actor, case, step, at=NOW, **values):
    work = next(w for w in open_work(db, case) if w.step == step)
    return finish(db, actor=actor, now=at, case=case, task_uuid=work.task_uuid, values=values)


def conclude(db, org, case, at=NOW, problems=None, **extra):
    values = {**ALL_OK, "mode": "conclude", **extra}
    for point, note in (problems or {}).items():
        values[f"result_{point}"], values[f"note_{point}"] = "problem", note
    if problems:
        values.setdefault("rectify_days", 5)
    return do(db, org.coordinator, case, "review_points", at=at, **values)


@pytest.mark.parametrize("form", ["letter", "onsite", "meeting", "phone"])
def test_each_form_through_to_close_without_problems(db, org, form):
    case = make_case(db, org, forms=[form])
    assert steps(db, case) == ["review_points"]
    if form != "letter":
        record(db, org, case, form)
    conclude(db, org, case)
    assert case.status == "closed" and case.closed_at == NOW and steps(db, case) == []
    letters = db.query(SupervisionLetter).filter_by(case_id=case.id).all()
    assert len(letters) == (1 if form == "letter" else 0)


@pytest.mark.parametrize("form", ["letter", "onsite", "meeting", "phone"])
def test_each_form_with_a_problem_rectified(db, org, form):
    case = make_case(db, org, forms=[form])
    if form != "letter":
        record(db, org, case, form)
    conclude(db, org, case, problems={"procedure": "未按规定送达告知书"})
    assert steps(db, case) == ["rectify"]
    do(db, org.a_member, case, "rectify", answer_procedure="已补充送达", measures="补正程序")
    do(db, org.coordinator, case, "verify", decision="approve")
    assert case.status == "closed"


def test_a_form_needs_its_record_before_the_review(db, org):
    case = make_case(db, org, forms=["letter", "onsite", "phone"])
    record(db, org, case, "onsite")
    with pytest.raises(InvalidInput) as err:
        conclude(db, org, case)
    assert err.value.field == "mode" and "电话督办" in err.value.message
    assert steps(db, case) == ["review_points"]
    assert db.query(SupervisionLetter).filter_by(case_id=case.id).count() == 0, "nothing half-saved"


def test_law_problem_consulted_sent_back_and_rectified(db, org, legal):
    case = make_case(db, org, forms=["letter", "onsite"])
    record(db, org, case, "onsite")
    do(db, org.coordinator, case, "review_points", mode="consult", consult_point="law", question="适用条款是否正确？")
    assert steps(db, case) == ["legal_opinion"]
    work = open_work(db, case)[0]
    assert work.step_group == "section" and work.section_id == org.legal.id
    with pytest.raises(NotFound):  # the inspection section does not see major cases at all
        do(db, org.officer, case, "legal_opinion", opinion="x")
    do(db, legal, case, "legal_opinion", opinion="应适用《上海市拆除违法建筑若干规定》第六条")
    assert steps(db, case) == ["review_points"]
    conclude(db, org, case, problems={"law": "适用条款错误"}, rectify_days=5)
    due = load_calendar(db).add_working_days(NOW, 5).due_at
    assert case.deadline_at == due and open_work(db, case)[0].due_at == due
    letter = db.query(SupervisionLetter).filter_by(case_id=case.id).one()
    assert "法律适用：适用条款错误" in letter.findings and letter.deadline_at == due
    do(db, org.a_member, case, "rectify", answer_law="已变更适用条款")
    do(db, org.coordinator, case, "verify", decision="return", opinion="未重新制作处罚决定书")
    assert steps(db, case) == ["rectify"] and case.return_count == 1
    do(db, org.a_member, case, "rectify", answer_law="已重新制作处罚决定书")
    do(db, org.coordinator, case, "verify", decision="approve")
    points = {p.point: p for p in operations.points(db, case)}
    assert case.status == "closed"
    assert points["law"].rectified and points["law"].legal_opinion.startswith("应适用")
    assert points["law"].answer == "已重新制作处罚决定书" and not points["filing"].rectified
    actions = [(e.action, e.step) for e in audit.timeline(db, "major_case", case.id)]
    assert actions[0] == ("open", None) and ("record", None) in actions and len(actions) == 9


def test_review_rules(db, org):
    case = make_case(db, org, forms=["letter"])
    with pytest.raises(InvalidInput) as err:
        do(db, org.coordinator, case, "review_points", mode="conclude", **{**ALL_OK, "result_law": "problem"})
    assert err.value.field == "note_law"
    with pytest.raises(InvalidInput) as err:
        conclude(db, org, case, problems={"law": "x"}, rectify_days=0)
    assert err.value.field == "rectify_days"
    with pytest.raises(InvalidInput) as err:
        do(db, org.coordinator, case, "review_points", mode="consult", consult_point="nope", question="q")
    assert err.value.field == "consult_point"
    with pytest.raises(PermissionDenied):
        do(db, org.a_leader, case, "review_points", mode="conclude", **ALL_OK)


def test_rectify_and_verify_rules(db, org):
    case = make_case(db, org, forms=["letter"])
    conclude(db, org, case, problems={"filing": "未及时立案"})
    with pytest.raises(NotFound):  # another squad's case answers like an unknown one
        do(db, org.b_member, case, "rectify", answer_filing="x")
    with pytest.raises(InvalidInput) as err:
        do(db, org.a_member, case, "rectify", answer_filing="  ")
    assert err.value.field == "answer_filing"
    do(db, org.a_leader, case, "rectify", answer_filing="已立案")
    with pytest.raises(InvalidInput) as err:
        do(db, org.coordinator, case, "verify", decision="return", opinion="")
    assert err.value.field == "opinion"


def test_a_step_cannot_be_completed_twice(db, org):
    case = make_case(db, org, forms=["letter"])
    work = open_work(db, case)[0]
    values = {**ALL_OK, "mode": "conclude"}
    finish(db, actor=org.coordinator, now=NOW, case=case, task_uuid=work.task_uuid, values=values)
    with pytest.raises(Conflict):
        finish(db, actor=org.coordinator, now=NOW, case=case, task_uuid=work.task_uuid,
                                 values=values)


def test_opening_and_record_rules(db, org):
    with pytest.raises(PermissionDenied):
        operations.open_case(db, actor=org.leader, now=NOW, spec=operations.Opening(
            title="t", violation="v", squad_id=org.squad_a.id, forms=["letter"]))
    with pytest.raises(InvalidInput) as err:
        operations.open_case(db, actor=org.coordinator, now=NOW, spec=operations.Opening(
            title="t", violation="v", squad_id=org.squad_a.id, forms=[]))
    assert err.value.field == "forms"
    with pytest.raises(InvalidInput) as err:
        operations.open_case(db, actor=org.coordinator, now=NOW, spec=operations.Opening(
            title="t", violation="v", squad_id=org.squad_a.id, forms=["letter"], handler_id=org.b_member.id))
    assert err.value.field == "handler_id"
    case = make_case(db, org, forms=["onsite"])
    with pytest.raises(InvalidInput) as err:
        record(db, org, case, "phone")
    assert err.value.field == "form"
    with pytest.raises(PermissionDenied):
        operations.add_record(db, actor=org.a_leader, now=NOW, case=case, rec=operations.RecordInput(
            form="onsite", held_at=NOW, people="p", content="c"))
    with pytest.raises(InvalidInput) as err:
        operations.add_record(db, actor=org.coordinator, now=NOW, case=case, rec=operations.RecordInput(
            form="onsite", held_at=NOW + timedelta(days=1), people="p", content="c"))
    assert err.value.field == "held_at"
    second = make_case(db, org, forms=["letter"])
    assert (case.number, second.number) == ("案督2026-0001", "案督2026-0002")


def test_no_record_after_close(db, org):
    case = make_case(db, org, forms=["onsite"])
    record(db, org, case, "onsite")
    conclude(db, org, case)
    with pytest.raises(Conflict):
        record(db, org, case, "onsite")


def test_letter_numbers_follow_each_other_in_a_year(db, org):
    numbers = []
    for _ in range(3):
        case = make_case(db, org, forms=["letter"])
        conclude(db, org, case)
        numbers.append(db.query(SupervisionLetter).filter_by(case_id=case.id).one().number)
    assert numbers == ["长城管督〔2026〕1号", "长城管督〔2026〕2号", "长城管督〔2026〕3号"]


def test_visibility(db, org, legal):
    from sqlalchemy import select

    from models.cases import MajorCase
    from workflows.cases.access import can_view_case, case_scope

    case = make_case(db, org, forms=["letter"])
    other = make_case(db, org, forms=["letter"], squad=org.squad_b)
    for user, expected in [(org.coordinator, {case.id, other.id}), (org.leader, {case.id, other.id}),
                           (legal, {case.id, other.id}), (org.a_member, {case.id}), (org.b_leader, {other.id}),
                           (org.officer, set()), (org.admin, set())]:
        seen = set(db.scalars(case_scope(user, select(MajorCase.id))))
        assert seen & {case.id, other.id} == expected, user.name
        assert can_view_case(user, case) == (case.id in expected)
