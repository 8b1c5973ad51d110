"""Every path of the petition process, through the domain operations."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from models.petitions import FAMILY_PETITION, Petition
from tests.factories import NOW, finish, make_petition, open_work, petition_input
from tests.workflows.petitions.helpers import VALUES, do, handle, steps
from workflows import audit
from workflows.calendar import load_calendar, local_day
from workflows.deadlines import requests
from workflows.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from workflows.petitions import intake, process


def test_registered_with_deadlines_and_squad_of_the_street(db, org):
    petition = make_petition(db, org)
    assert petition.squad_id == org.squad_a.id
    assert petition.number.startswith("信2026-")
    assert petition.received_at < petition.accept_due_at < petition.conclude_due_at
    assert steps(db, petition) == ["assign"]
    work = open_work(db, petition)[0]
    assert work.due_at <= petition.conclude_due_at and work.section_id == org.coordination.id


def test_straight_path_closes_on_time(db, org):
    petition = make_petition(db, org)
    handle(db, org, petition)
    assert petition.handler_id == org.a_member.id and petition.accept_notified_at == NOW
    assert steps(db, petition) == ["review"]
    do(db, org, petition, "review", decision="approve")
    assert petition.status == "closed" and petition.closed_on_time is True
    assert steps(db, petition) == []
    actions = [e.step for e in audit.timeline(db, FAMILY_PETITION, petition.id)]
    assert actions == [None, "assign", "accept", "investigate", "reply", "review"]


def test_difficult_case_goes_to_joint_study_and_review_returns(db, org):
    petition = make_petition(db, org)
    do(db, org, petition, "assign", decision="study", instructions="多次投诉未果，需专案研究")
    assert petition.difficult and steps(db, petition) == ["joint_study"]
    do(db, org, petition, "joint_study")
    assert steps(db, petition) == ["assign"]
    handle(db, org, petition)
    do(db, org, petition, "review", decision="return", opinion="证据不足")
    assert steps(db, petition) == ["investigate"] and petition.return_count == 1
    do(db, org, petition, "investigate")
    do(db, org, petition, "reply")
    late = petition.conclude_due_at + timedelta(days=1)
    do(db, org, petition, "review", decision="approve", at=late)
    assert petition.status == "closed" and petition.closed_on_time is False


def test_reopen_rectify_recheck_twice(db, org):
    petition = make_petition(db, org)
    handle(db, org, petition)
    do(db, org, petition, "review", decision="approve")
    later = NOW + timedelta(days=20)
    process.reopen(db, actor=org.coordinator, now=later, petition=petition, reason="回访不满意")
    assert petition.status == "open" and petition.reopen_count == 1
    assert steps(db, petition) == ["rectify"]
    work = open_work(db, petition)[0]
    assert work.squad_id == org.squad_a.id and work.due_at == petition.rectify_due_at > later
    do(db, org, petition, "rectify", at=later)
    do(db, org, petition, "recheck", decision="return", opinion="仍未整改到位", at=later)
    assert steps(db, petition) == ["rectify"]
    do(db, org, petition, "rectify", at=later)
    do(db, org, petition, "recheck", decision="approve", at=later)
    assert petition.status == "closed" and petition.closed_at == later
    with pytest.raises(Conflict):
        process.reopen(db, actor=org.coordinator, now=later, petition=make_petition(db, org), reason="x")


def test_extensions_add_up_to_thirty_working_days_at_most(db, org):
    petition = make_petition(db, org)
    do(db, org, petition, "assign", squad_id=org.squad_a.id)
    do(db, org, petition, "accept", actor=org.a_member)
    calendar = load_calendar(db)
    base = local_day(petition.deadline_at)
    ask = lambda day, **kw: requests.request_extension(  # noqa: E731
        db, actor=kw.get("actor", org.a_member), now=NOW, family="petition", subject_id=petition.id, new_date=day,
        reason="需鉴定")
    with pytest.raises(InvalidInput) as exc:
        ask(calendar.shift_working_days(base, 31))
    assert exc.value.field == "new_date" and "30" in exc.value.message
    with pytest.raises(PermissionDenied):
        ask(calendar.shift_working_days(base, 10), actor=org.b_leader)
    first = ask(calendar.shift_working_days(base, 20))
    requests.decide(db, actor=org.coordinator, now=NOW, request_id=first.id, approve=True)
    assert petition.deadline_basis == "extended" and petition.conclude_due_at < petition.deadline_at
    assert open_work(db, petition)[0].due_at == petition.deadline_at
    with pytest.raises(InvalidInput):  # 20 granted: 11 more would make 31
        ask(calendar.shift_working_days(base, 31))
    second = ask(calendar.shift_working_days(base, 30))
    requests.decide(db, actor=org.coordinator, now=NOW, request_id=second.id, approve=True)
    assert local_day(petition.deadline_at) == calendar.shift_working_days(base, 30)


def test_step_rules(db, org):
    petition = make_petition(db, org)
    with pytest.raises(InvalidInput) as exc:
        do(db, org, petition, "assign", squad_id=None)
    assert exc.value.field == "squad_id"
    do(db, org, petition, "assign", squad_id=org.squad_a.id)
    with pytest.raises(NotFound):  # another squad's petition answers like an unknown one
        do(db, org, petition, "accept", actor=org.b_member)
    with pytest.raises(InvalidInput):
        do(db, org, petition, "accept", actor=org.a_member, notified_on=None)
    work = open_work(db, petition)[0]
    do(db, org, petition, "accept", actor=org.a_member)
    with pytest.raises(Conflict):
        finish(db, actor=org.a_member, now=NOW, petition=petition, task_uuid=work.task_uuid,
                              values=VALUES["accept"])


def test_only_coordinators_register_and_bad_fields_are_named(db, org):
    with pytest.raises(PermissionDenied):
        intake.register(db, actor=org.a_leader, now=NOW, data=petition_input(org))
    for field, value in (("channel", "fax"), ("petitioner_phone", "12"), ("petitioner_id_no", "31010519"),
                         ("content", " "), ("received_at", NOW + timedelta(hours=1))):
        with pytest.raises(InvalidInput) as exc:
            intake.register(db, actor=org.coordinator, now=NOW, data=petition_input(org, **{field: value}))
        assert exc.value.field == field
    assert db.scalar(select(func.count(Petition.id))) == 0
