"""专案研究 as a record: validation, decisions that become actions with an owner squad and a deadline on the same
clock, urged and walked through 落实 → 确认 (with a return), and the joint-study step that records a meeting."""

from __future__ import annotations

from datetime import timedelta

import pytest

from models.deadlines import Urge
from models.meetings import StudyMeeting
from tests.factories import NOW, finish, make_item, meeting_values, open_work
from workflows import audit
from workflows.calendar import end_of_local_day
from workflows.errors import InvalidInput, PermissionDenied
from workflows.meetings import operations
from workflows.tasks import urge

FAMILY = "instructed_item"


def record(db, org, item, decisions, actor=None):
    spec = operations.read_meeting(meeting_values(NOW.date(), decisions=decisions))
    return operations.record(db, actor=actor or org.coordinator, now=NOW, family=FAMILY, subject_id=item.id,
                             spec=spec)


def test_bad_meetings_are_refused_and_nothing_is_saved(db, org):
    item = make_item(db, org)
    due = NOW.date() + timedelta(days=3)
    for decisions, message in (([{"text": "x", "squad_id": org.squad_a.id, "due_on": None}], "同时指定"),
                               ([{"text": "", "squad_id": org.squad_a.id, "due_on": due}], "写明内容"),
                               ([{"text": "x", "squad_id": org.squad_a.id, "due_on": NOW.date() - timedelta(days=1)}],
                                "不能早于会议日期")):
        with pytest.raises(InvalidInput, match=message):
            record(db, org, item, decisions)
    with pytest.raises(PermissionDenied):
        record(db, org, item, [{"text": "x"}], actor=org.a_leader)
    assert db.query(StudyMeeting).count() == 0


def test_a_decision_becomes_an_action_urged_and_walked_like_any_step(db, org):
    item = make_item(db, org)
    due = NOW.date() + timedelta(days=5)
    meeting = record(db, org, item, [{"text": "限期清理外溢摊位", "squad_id": org.squad_a.id, "due_on": due},
                                     {"text": "法制科提出处罚意见", "squad_id": None, "due_on": None}])
    action = meeting.decisions[0].action
    assert action.deadline_at == end_of_local_day(due) and action.deadline_basis == "given"
    [work] = open_work(db, action)
    assert (work.step, work.squad_id, work.due_at) == ("implement", org.squad_a.id, action.deadline_at)
    urge.urge(db, actor=org.coordinator, now=NOW, family="study_action", subject_id=action.id,
              task_uuid=work.task_uuid, message="请按会议决定抓紧落实")
    assert db.query(Urge).filter_by(family="study_action", squad_id=org.squad_a.id).count() == 1
    finish(db, actor=org.a_member, now=NOW, subject=action, task_uuid=work.task_uuid, values={"result": "已清理"})
    confirm = open_work(db, action)[0]
    finish(db, actor=org.coordinator, now=NOW, subject=action, task_uuid=confirm.task_uuid,
           values={"decision": "return", "opinion": "仍有摊位"})
    redo = open_work(db, action)[0]
    assert redo.step == "implement"
    finish(db, actor=org.a_member, now=NOW, subject=action, task_uuid=redo.task_uuid, values={"result": "全部清理"})
    finish(db, actor=org.coordinator, now=NOW, subject=action, task_uuid=open_work(db, action)[0].task_uuid,
           values={"decision": "approve"})
    assert action.status == "closed" and action.result == "全部清理"
    assert "study_meeting" in [e.action for e in audit.timeline(db, FAMILY, item.id)]


def test_the_joint_study_step_records_the_meeting(db, org):
    item = make_item(db, org, needs_study=True)
    work = open_work(db, item)[0]
    assert work.step == "joint_study"
    due = NOW.date() + timedelta(days=2)
    finish(db, actor=org.coordinator, now=NOW, item=item, task_uuid=work.task_uuid,
           values=meeting_values(NOW.date(), [{"text": "先行取证", "squad_id": org.squad_b.id, "due_on": due}]))
    [meeting] = operations.meetings_of(db, FAMILY, item.id)
    assert meeting.place == "局三楼会议室" and meeting.decisions[0].action.squad_id == org.squad_b.id
    assert [w.step for w in open_work(db, item)] == ["assign"]


def test_an_action_takes_a_co_squad_whose_contribution_its_implementation_needs(db, org):
    from models.org import Role
    from tests.factories import make_squad, make_user
    from workflows.tasks import cosquads
    from workflows.tasks.cosquads import PartInput

    item = make_item(db, org)
    meeting = record(db, org, item, [{"text": "联合清理跨界摊位", "squad_id": org.squad_a.id,
                                      "due_on": NOW.date() + timedelta(days=5)}])
    action = meeting.decisions[0].action
    co = make_squad(db, "协办中队")
    member = make_user(db, Role.SQUAD_MEMBER, squad=co)
    cosquads.add(db, actor=org.coordinator, now=NOW, family="study_action", subject_id=action.id,
                 part=PartInput(co.id, "清理本辖区一侧的摊位"))
    work = {w.step: w for w in open_work(db, action)}
    assert work["co_accept"].squad_id == co.id and work["implement"].squad_id == org.squad_a.id
    with pytest.raises(InvalidInput, match="协办中队尚未反馈"):
        finish(db, actor=org.a_member, now=NOW, subject=action, task_uuid=work["implement"].task_uuid,
               values={"result": "已清理"})
    for step, values in (("co_accept", {}), ("co_assist", {"findings": "本侧已清理"}),
                         ("co_feedback", {"contribution": "已配合清理"})):
        w = next(w for w in open_work(db, action) if w.step == step)
        finish(db, actor=member, now=NOW, subject=action, task_uuid=w.task_uuid, values=values)
    implement = next(w for w in open_work(db, action) if w.step == "implement")
    finish(db, actor=org.a_member, now=NOW, subject=action, task_uuid=implement.task_uuid, values={"result": "已清理"})
    finish(db, actor=org.coordinator, now=NOW, subject=action, task_uuid=open_work(db, action)[0].task_uuid,
           values={"decision": "approve"})
    assert action.status == "closed" and open_work(db, action) == []
