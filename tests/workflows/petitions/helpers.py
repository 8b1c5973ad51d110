"""Helpers for petition tests: walk steps with sensible values, make closed petitions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.factories import NOW, finish, make_petition, meeting_values, open_work

VALUES = {
    "joint_study": meeting_values(NOW.date()),
    "accept": {"notified_on": NOW.date()},
    "investigate": {"findings": "现场核实，已责令停工整改"},
    "reply": {"method": "phone", "replied_on": NOW.date(), "summary": "已电话答复信访人"},
    "rectify": {"measures": "再次整改到位"},
}


def steps(db, petition):
    return [w.step for w in open_work(db, petition)]


def do(db, org, petition, step, actor=None, at=NOW, **values):
    work = next(w for w in open_work(db, petition) if w.step == step)
    actor = actor or (org.coordinator if work.step_group == "coordination" else org.a_member)
    merged = {**VALUES.get(step, {}), **values}
    return finish(db, actor=actor, now=at, petition=petition, task_uuid=work.task_uuid, values=merged)


def handle(db, org, petition, at=NOW):
    do(db, org, petition, "assign", squad_id=org.squad_a.id, at=at)
    do(db, org, petition, "accept", actor=org.a_member, at=at)
    do(db, org, petition, "investigate", at=at)
    do(db, org, petition, "reply", at=at)


OCTOBER = datetime(2026, 10, 14, 2, 0, tzinfo=UTC)


def closed_petition(db, org, at=OCTOBER, **kw):
    petition = make_petition(db, org, now=at, received_at=at - timedelta(hours=2), **kw)
    handle(db, org, petition, at=at)
    do(db, org, petition, "review", decision="approve", at=at)
    return petition
