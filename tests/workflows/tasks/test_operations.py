"""The task operations on an open step, the same for every family: 签收 / 取消签收, 转办, 委派 and its draft,
抄送 with read receipts, 批注, 跟进日期, 撤回, and bulk runs with one bad row."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from models.audit import AuditEntry
from models.notifications import Notification
from models.subjects import FollowUp
from tests.factories import NOW, finish, make_case, make_item, make_petition, make_referral, open_work
from workflows import audit
from workflows.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from workflows.tasks import bulk, cc, claim, notes, transfer, withdraw
from workflows.tasks.access import visible


def assigned(db, org):
    item = make_item(db, org)
    finish(db, actor=org.coordinator, now=NOW, item=item, task_uuid=open_work(db, item)[0].task_uuid,
           values={"lead_squad_id": org.squad_a.id})
    return item


def accepted(db, org):
    item = assigned(db, org)
    finish(db, actor=org.a_member, now=NOW, item=item, task_uuid=open_work(db, item)[0].task_uuid,
           values={"handler_id": org.a_member.id})
    return item, open_work(db, item)[0]  # investigate, held by the handler


def test_claim_then_unclaim_returns_the_step_to_the_squad(db, org):
    item = assigned(db, org)
    accept = open_work(db, item)[0]
    claim.claim(db, actor=org.a_member, now=NOW, work_id=accept.id)
    assert (accept.assignee_id, accept.claimed_at) == (org.a_member.id, NOW)
    with pytest.raises(Conflict):
        claim.claim(db, actor=org.a_member2, now=NOW, work_id=accept.id)
    with pytest.raises(PermissionDenied):
        claim.unclaim(db, actor=org.a_member2, now=NOW, work_id=accept.id)
    claim.unclaim(db, actor=org.a_member, now=NOW, work_id=accept.id)
    assert (accept.assignee_id, accept.claimed_at) == (None, None)
    told = set(db.scalars(select(Notification.user_id).where(Notification.key.like(f"unclaimed:{accept.task_uuid}%"))))
    assert told == {org.a_leader.id, org.a_member2.id}, "the rest of the squad hears it is open again"
    with pytest.raises(Conflict):
        claim.unclaim(db, actor=org.a_member, now=NOW, work_id=accept.id)
    assert [e.action for e in audit.timeline(db, "instructed_item", item.id)][-2:] == ["claim", "unclaim"]


def test_transfer_inside_the_unit_moves_the_handler_too(db, org):
    item, work = accepted(db, org)
    with pytest.raises(PermissionDenied):
        transfer.transfer(db, actor=org.a_member2, now=NOW, work_id=work.id, to_user_id=org.a_member2.id)
    with pytest.raises(InvalidInput) as err:
        transfer.transfer(db, actor=org.a_leader, now=NOW, work_id=work.id, to_user_id=org.b_member.id)
    assert err.value.field == "user_id"
    transfer.transfer(db, actor=org.a_leader, now=NOW, work_id=work.id, to_user_id=org.a_member2.id, note="人手调整")
    assert work.assignee_id == item.handler_id == org.a_member2.id


def test_delegation_drafts_and_the_owner_confirms(db, org):
    item, work = accepted(db, org)
    transfer.delegate(db, actor=org.a_member, now=NOW, work_id=work.id, to_user_id=org.a_member2.id, note="请现场核查")
    assert (work.owner_id, work.assignee_id) == (org.a_member.id, org.a_member2.id)
    with pytest.raises(PermissionDenied):  # the delegate drafts, never completes
        finish(db, actor=org.a_member2, now=NOW, item=item, task_uuid=work.task_uuid, values={"findings": "x"})
    with pytest.raises(PermissionDenied):  # nor does the owner while it is out
        finish(db, actor=org.a_member, now=NOW, item=item, task_uuid=work.task_uuid, values={"findings": "x"})
    with pytest.raises(PermissionDenied):
        transfer.resolve(db, actor=org.a_member, now=NOW, work_id=work.id, draft={})
    transfer.resolve(db, actor=org.a_member2, now=NOW + timedelta(hours=3), work_id=work.id,
                     draft={"findings": ["现场已核实"]}, note="照片已上传")
    assert (work.owner_id, work.assignee_id) == (None, org.a_member.id)
    assert work.draft["findings"] == ["现场已核实"] and work.draft["_by"] == org.a_member2.id
    finish(db, actor=org.a_member, now=NOW + timedelta(hours=4), item=item, task_uuid=work.task_uuid,
           values={"findings": "现场已核实"})
    assert [w.step for w in open_work(db, item)] == ["draft_reply"]
    actions = [e.action for e in audit.timeline(db, "instructed_item", item.id)]
    assert actions[-3:] == ["delegate", "delegation_resolved", "complete"]


def test_a_delegation_can_be_recalled_by_its_owner_only(db, org):
    _item, work = accepted(db, org)
    transfer.delegate(db, actor=org.a_member, now=NOW, work_id=work.id, to_user_id=org.a_member2.id)
    with pytest.raises(PermissionDenied):
        transfer.recall(db, actor=org.a_member2, now=NOW, work_id=work.id)
    with pytest.raises(Conflict):  # only the owner re-delegates
        transfer.delegate(db, actor=org.a_leader, now=NOW, work_id=work.id, to_user_id=org.a_member2.id)
    transfer.recall(db, actor=org.a_member, now=NOW, work_id=work.id)
    assert (work.owner_id, work.assignee_id) == (None, org.a_member.id)


@pytest.mark.parametrize("family", ["instructed_item", "petition", "major_case", "referral"])
def test_cc_gives_read_only_sight_and_keeps_a_read_receipt(db, org, family):
    subject = {"instructed_item": lambda: assigned(db, org), "petition": lambda: make_petition(db, org),
               "major_case": lambda: make_case(db, org), "referral": lambda: make_referral(db, org)}[family]()
    with pytest.raises(NotFound):
        visible(db, org.b_member, family, subject.id)
    sees_but_may_not_cc = org.officer if family == "referral" else org.a_member
    assert visible(db, sees_but_may_not_cc, family, subject.id)
    with pytest.raises(PermissionDenied):  # only the supervisors (and the lead squad's leader) CC
        cc.cc(db, actor=sees_but_may_not_cc, now=NOW, family=family, subject_id=subject.id,
              user_ids=[org.b_member.id])
    added = cc.cc(db, actor=org.coordinator, now=NOW, family=family, subject_id=subject.id,
                  user_ids=[org.b_member.id], note="请知悉")
    assert [u.id for u in added] == [org.b_member.id]
    assert cc.cc(db, actor=org.coordinator, now=NOW, family=family, subject_id=subject.id,
                 user_ids=[org.b_member.id], squad_ids=[]) == [], "twice is once"
    assert visible(db, org.b_member, family, subject.id)[1].id == subject.id
    assert cc.mark_read(db, user=org.b_member, family=family, subject_id=subject.id, now=NOW + timedelta(hours=1))
    assert not cc.mark_read(db, user=org.b_member, family=family, subject_id=subject.id, now=NOW + timedelta(hours=2))
    (row, user), = cc.receipts(db, family, subject.id)
    assert user.id == org.b_member.id and row.read_at == NOW + timedelta(hours=1)


def test_cc_to_a_squad_reaches_its_active_members(db, org):
    item = assigned(db, org)
    added = cc.cc(db, actor=org.leader, now=NOW, family="instructed_item", subject_id=item.id,
                  squad_ids=[org.squad_b.id])
    assert {u.id for u in added} == {org.b_leader.id, org.b_member.id}


def test_a_comment_notifies_the_holders_and_lands_on_the_timeline(db, org):
    item, work = accepted(db, org)
    with pytest.raises(InvalidInput):
        notes.comment(db, actor=org.coordinator, now=NOW, family="instructed_item", subject_id=item.id, text=" ")
    notes.comment(db, actor=org.coordinator, now=NOW, family="instructed_item", subject_id=item.id,
                  text="请注意留存执法记录仪视频", task_uuid=work.task_uuid)
    entry = audit.timeline(db, "instructed_item", item.id)[-1]
    assert (entry.action, entry.step, entry.opinion) == ("comment", "investigate", "请注意留存执法记录仪视频")
    assert db.scalar(select(Notification.user_id).where(Notification.key.like("comment:%"))) == org.a_member.id


def test_a_follow_up_date_is_private_and_reminds_once(db, org):
    item, work = accepted(db, org)
    with pytest.raises(PermissionDenied):
        notes.set_follow_up(db, actor=org.a_member2, now=NOW, work_id=work.id, on=NOW.date() + timedelta(days=2))
    with pytest.raises(InvalidInput):
        notes.set_follow_up(db, actor=org.a_member, now=NOW, work_id=work.id, on=NOW.date() - timedelta(days=1))
    notes.set_follow_up(db, actor=org.a_member, now=NOW, work_id=work.id, on=NOW.date() + timedelta(days=2),
                        note="等待当事人补材料")
    assert notes.remind_due(db, NOW + timedelta(days=1)) == 0
    assert notes.remind_due(db, NOW + timedelta(days=3)) == 1
    assert notes.remind_due(db, NOW + timedelta(days=4)) == 0, "reminded once"
    reminder = db.scalar(select(Notification).where(Notification.key.like("follow-up:%")))
    assert reminder.user_id == org.a_member.id and "等待当事人补材料" in reminder.body
    assert notes.clear_follow_up(db, actor=org.a_member, now=NOW, work_id=work.id)
    assert db.scalar(select(FollowUp)) is None
    private = db.scalars(select(AuditEntry.action).where(AuditEntry.family == "user",
                                                         AuditEntry.subject_id == org.a_member.id)).all()
    assert private == ["follow_up", "clear_follow_up"], "audited on the user's own chain"
    assert "follow_up" not in {e.action for e in audit.timeline(db, "instructed_item", item.id)}


def test_withdraw_takes_back_the_last_step_and_undoes_its_changes(db, org):
    item = make_item(db, org)
    assign = open_work(db, item)[0]
    started, due = assign.started_at, assign.due_at
    finish(db, actor=org.coordinator, now=NOW + timedelta(hours=1), item=item, task_uuid=assign.task_uuid,
           values={"lead_squad_id": org.squad_a.id})
    assert item.lead_squad_id == org.squad_a.id
    with pytest.raises(Conflict):
        withdraw.withdraw(db, actor=org.leader, now=NOW, family="instructed_item", subject_id=item.id)
    back = withdraw.withdraw(db, actor=org.coordinator, now=NOW + timedelta(hours=2), family="instructed_item",
                             subject_id=item.id)
    assert back.task_uuid == assign.task_uuid and back.assignee_id == org.coordinator.id
    assert (back.started_at, back.due_at) == (started, due), "the step keeps its clock"
    assert item.lead_squad_id is None and item.current_step_name == "交办"
    assert [w.step for w in open_work(db, item)] == ["assign"]
    with pytest.raises(Conflict):
        withdraw.withdraw(db, actor=org.coordinator, now=NOW, family="instructed_item", subject_id=item.id)
    finish(db, actor=org.coordinator, now=NOW + timedelta(hours=3), item=item, task_uuid=assign.task_uuid,
           values={"lead_squad_id": org.squad_b.id})
    assert item.lead_squad_id == org.squad_b.id


def test_withdraw_is_refused_once_the_next_step_is_claimed_or_for_external_steps(db, org):
    item = assigned(db, org)
    claim.claim(db, actor=org.a_member, now=NOW, work_id=open_work(db, item)[0].id)
    with pytest.raises(Conflict) as err:
        withdraw.withdraw(db, actor=org.coordinator, now=NOW, family="instructed_item", subject_id=item.id)
    assert "签收" in err.value.message
    assert withdraw.can_withdraw(db, org.coordinator, "instructed_item", item.id) is None


def test_bulk_runs_each_row_alone(db, org):
    items = [assigned(db, org) for _ in range(3)]
    works = [open_work(db, i)[0] for i in items]
    claim.claim(db, actor=org.a_member2, now=NOW, work_id=works[1].id)

    def run(key):
        claim.claim(db, actor=org.a_member, now=NOW, work_id=int(key))
        return "ok"

    results = bulk.run(db, [str(w.id) for w in works] + ["999999"], run)
    assert [r.ok for r in results] == [True, False, True, False]
    assert results[1].message == "该环节已被他人签收" and results[3].message.startswith("该环节已办理完毕")
    assert [w.assignee_id for w in works] == [org.a_member.id, org.a_member2.id, org.a_member.id]
    claims = db.scalars(select(AuditEntry).where(AuditEntry.action == "claim")).all()
    assert len(claims) == 3, "the refused rows wrote nothing"
