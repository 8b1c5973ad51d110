"""Co-squads (协办) through the generic toolkit: the multi-instance branch with 0, 1 and 3 co-squads, one added
mid-way, removal, a late co-squad (proceed or wait), and who may act on which step."""

from __future__ import annotations

from datetime import timedelta

import pytest

from models.items import ItemKind
from models.org import Role
from tests.factories import NOW, finish, make_case, make_item, make_petition, make_squad, make_user, open_work
from workflows import audit, engine
from workflows.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from workflows.tasks import complete, cosquads
from workflows.tasks.access import visible
from workflows.tasks.cosquads import PartInput
from workflows.tasks.parts import parts_of

FAMILY = "instructed_item"
VALUES = {"investigate": {"findings": "现场核实属实"}, "draft_reply": {"reply_text": "已责令整改"},
          "co_assist": {"findings": "本辖区部分已核查"}, "co_feedback": {"contribution": "同意主办意见，已配合整改"}}


class Squads:
    def __init__(self, db, org, n):
        self.squads = [make_squad(db, f"协办中队{i}") for i in range(n)]
        self.members = [make_user(db, Role.SQUAD_MEMBER, squad=s) for s in self.squads]


def steps(db, item):
    return sorted((w.step, w.squad_id) for w in open_work(db, item))


def do(db, item, step, actor, squad_id=None, at=NOW, **values):
    work = next(w for w in open_work(db, item) if w.step == step and (squad_id is None or w.squad_id == squad_id))
    return finish(db, actor=actor, now=at, subject=item, task_uuid=work.task_uuid,
                  values={**VALUES.get(step, {}), **values})


def assign(db, org, item, co):
    parts = [{"squad_id": s.id, "part": f"{s.name}负责本辖区部分"} for s in co.squads]
    do(db, item, "assign", org.coordinator, lead_squad_id=org.squad_a.id, co_squads=parts)


def co_branch(db, item, squad, member, at=NOW):
    for step in ("co_accept", "co_assist", "co_feedback"):
        do(db, item, step, member, squad_id=squad.id, at=at)


@pytest.mark.parametrize("n", [0, 1, 3])
def test_branches_for_each_co_squad_then_the_lead_drafts(db, org, n):
    co = Squads(db, org, n)
    item = make_item(db, org)
    assign(db, org, item, co)
    assert steps(db, item) == sorted([("accept", org.squad_a.id)] + [("co_accept", s.id) for s in co.squads])
    do(db, item, "accept", org.a_member)
    do(db, item, "investigate", org.a_member)
    if n == 0:
        assert steps(db, item) == [("draft_reply", org.squad_a.id)], "no co-squad: straight through"
        return
    assert ("draft_reply", org.squad_a.id) not in steps(db, item), "the lead waits for the co-squads"
    for squad, member in zip(co.squads, co.members, strict=True):
        co_branch(db, item, squad, member)
    assert steps(db, item) == [("draft_reply", org.squad_a.id)]
    parts = parts_of(db, FAMILY, item.id)
    assert [p.status for p in parts] == ["done"] * n
    assert all(p.contribution and p.handler_id for p in parts)
    # a co-squad's limit is its own, shorter than the subject's
    assert all(p.due_at < item.deadline_at for p in parts)


def test_a_co_squad_added_mid_way_gets_its_own_branch(db, org):
    co = Squads(db, org, 2)
    item = make_item(db, org)
    first = Squads.__new__(Squads)
    first.squads, first.members = co.squads[:1], co.members[:1]
    assign(db, org, item, first)
    co_branch(db, item, co.squads[0], co.members[0])  # the first branch has already merged
    do(db, item, "accept", org.a_member)
    later = NOW + timedelta(hours=3)
    cosquads.add(db, actor=org.coordinator, now=later, family=FAMILY, subject_id=item.id,
                 part=PartInput(co.squads[1].id, "补充核查东侧"))
    assert steps(db, item) == [("co_accept", co.squads[1].id), ("investigate", org.squad_a.id)]
    added = parts_of(db, FAMILY, item.id)[1]
    assert added.opened_at == later and added.status == "open"
    do(db, item, "investigate", org.a_member)
    co_branch(db, item, co.squads[1], co.members[1], at=later)
    assert steps(db, item) == [("draft_reply", org.squad_a.id)]
    snap = engine.read_snapshot(db, item.instance_id)
    assert snap.ready[0].step == "draft_reply"


def test_added_before_assign_starts_with_the_lead_and_after_the_stage_is_refused(db, org):
    co = Squads(db, org, 2)
    item = make_item(db, org)
    cosquads.add(db, actor=org.coordinator, now=NOW, family=FAMILY, subject_id=item.id,
                 part=PartInput(co.squads[0].id, "先行指定"))
    assert parts_of(db, FAMILY, item.id)[0].status == "named"
    do(db, item, "assign", org.coordinator, lead_squad_id=org.squad_a.id)
    assert ("co_accept", co.squads[0].id) in steps(db, item)
    co_branch(db, item, co.squads[0], co.members[0])
    do(db, item, "accept", org.a_member)
    do(db, item, "investigate", org.a_member)
    with pytest.raises(Conflict, match="协办阶段已经结束"):
        cosquads.add(db, actor=org.coordinator, now=NOW, family=FAMILY, subject_id=item.id,
                     part=PartInput(co.squads[1].id, "太晚了"))


def test_bad_co_squads_are_refused_next_to_the_field(db, org):
    co = Squads(db, org, 1)
    item = make_item(db, org)
    for parts, message in (([{"squad_id": org.squad_a.id, "part": "x"}], "不能是主办中队"),
                           ([{"squad_id": co.squads[0].id, "part": " "}], "请写明"),
                           ([{"squad_id": co.squads[0].id, "part": "a"}, {"squad_id": co.squads[0].id, "part": "b"}],
                            "重复"),
                           ([{"squad_id": 999999, "part": "a"}], "请选择协办中队")):
        with pytest.raises(InvalidInput, match=message):
            do(db, item, "assign", org.coordinator, lead_squad_id=org.squad_a.id, co_squads=parts)
    assert parts_of(db, FAMILY, item.id) == []


def test_a_not_started_co_squad_is_removed_with_a_reason_others_go_on(db, org):
    co = Squads(db, org, 2)
    item = make_item(db, org)
    assign(db, org, item, co)
    first, second = parts_of(db, FAMILY, item.id)
    do(db, item, "co_accept", co.members[1], squad_id=co.squads[1].id)
    with pytest.raises(InvalidInput):
        cosquads.remove(db, actor=org.coordinator, now=NOW, family=FAMILY, subject_id=item.id, part_id=first.id,
                        reason="")
    with pytest.raises(Conflict, match="已签收"):
        cosquads.remove(db, actor=org.coordinator, now=NOW, family=FAMILY, subject_id=item.id, part_id=second.id,
                        reason="不需要了")
    with pytest.raises(PermissionDenied):
        cosquads.remove(db, actor=org.a_leader, now=NOW, family=FAMILY, subject_id=item.id, part_id=first.id,
                        reason="不需要了")
    cosquads.remove(db, actor=org.coordinator, now=NOW, family=FAMILY, subject_id=item.id, part_id=first.id,
                    reason="经核实与该中队无关")
    assert first.status == "removed" and first.removed_reason == "经核实与该中队无关"
    assert ("co_assist", co.squads[1].id) in steps(db, item)
    assert all(s != co.squads[0].id for _, s in steps(db, item))
    with pytest.raises(NotFound):
        visible(db, co.members[0], FAMILY, item.id)
    assert "co_squad_removed" in [e.action for e in audit.timeline(db, FAMILY, item.id)]


def test_a_late_co_squad_is_marked_missing_when_the_lead_may_proceed(db, org):
    co = Squads(db, org, 1)
    item = make_item(db, org, kind=ItemKind.MEDIA_EXPOSURE)  # needs no sign-off: the lead proceeds
    assign(db, org, item, co)
    do(db, item, "accept", org.a_member)
    do(db, item, "investigate", org.a_member)
    [part] = parts_of(db, FAMILY, item.id)
    with pytest.raises(Conflict, match="未超期"):
        cosquads.mark_missing(db, actor=org.a_leader, now=NOW, family=FAMILY, subject_id=item.id, part_id=part.id)
    late = part.due_at + timedelta(minutes=1)
    with pytest.raises(PermissionDenied):
        cosquads.mark_missing(db, actor=co.members[0], now=late, family=FAMILY, subject_id=item.id, part_id=part.id)
    cosquads.mark_missing(db, actor=org.a_leader, now=late, family=FAMILY, subject_id=item.id, part_id=part.id)
    assert (part.status, part.late) == ("missing", True)
    assert steps(db, item) == [("draft_reply", org.squad_a.id)]


def test_the_lead_waits_for_a_late_co_squad_when_the_rule_says_so(db, org):
    co = Squads(db, org, 1)
    item = make_item(db, org, kind=ItemKind.CITY_LEADER)  # signed off by a leader: the lead waits
    assign(db, org, item, co)
    [part] = parts_of(db, FAMILY, item.id)
    late = part.due_at + timedelta(hours=1)
    with pytest.raises(Conflict, match="须等待"):
        cosquads.mark_missing(db, actor=org.a_leader, now=late, family=FAMILY, subject_id=item.id, part_id=part.id)
    co_branch(db, item, co.squads[0], co.members[0], at=late)
    assert part.status == "done" and part.late is True, "the lateness is the co-squad's"


def test_co_squad_members_see_the_subject_and_act_only_on_their_own_steps(db, org):
    co = Squads(db, org, 2)
    item = make_item(db, org)
    assign(db, org, item, co)
    assert visible(db, co.members[0], FAMILY, item.id)[1] is item
    lead_accept = next(w for w in open_work(db, item) if w.step == "accept")
    other = next(w for w in open_work(db, item) if w.step == "co_accept" and w.squad_id == co.squads[1].id)
    for work in (lead_accept, other):
        with pytest.raises(PermissionDenied):
            complete.complete(db, actor=co.members[0], now=NOW, family=FAMILY, subject_id=item.id,
                              task_uuid=work.task_uuid, values={})
    mine = next(w for w in open_work(db, item) if w.step == "co_accept" and w.squad_id == co.squads[0].id)
    with pytest.raises(PermissionDenied):
        complete.complete(db, actor=org.a_member, now=NOW, family=FAMILY, subject_id=item.id,
                          task_uuid=mine.task_uuid, values={})
    outsider = make_user(db, Role.SQUAD_MEMBER, squad=make_squad(db))
    with pytest.raises(NotFound):
        visible(db, outsider, FAMILY, item.id)
    from workflows.access import my_work_query

    todo = {(w.step, w.squad_id) for w in db.scalars(my_work_query(co.members[0]))}
    assert todo == {("co_accept", co.squads[0].id)}, "the co-squad's worklist holds its own step only"


@pytest.mark.parametrize("n", [0, 1, 3])
def test_petition_branches_and_the_reply_waits_for_every_contribution(db, org, n):
    from tests.workflows.petitions.helpers import do as p_do

    co = Squads(db, org, n)
    petition = make_petition(db, org)
    parts = [{"squad_id": s.id, "part": f"{s.name}核查本辖区"} for s in co.squads]
    p_do(db, org, petition, "assign", squad_id=org.squad_a.id, co_squads=parts)
    assert sorted(s for _, s in steps(db, petition)) == sorted([org.squad_a.id] + [s.id for s in co.squads])
    p_do(db, org, petition, "accept", actor=org.a_member)
    p_do(db, org, petition, "investigate")
    if n:
        with pytest.raises(InvalidInput, match="协办中队尚未反馈"):
            p_do(db, org, petition, "reply")
        for squad, member in zip(co.squads, co.members, strict=True):
            co_branch(db, petition, squad, member)
    p_do(db, org, petition, "reply")
    p_do(db, org, petition, "review", decision="approve")
    assert petition.status == "closed" and open_work(db, petition) == []
    assert [p.status for p in parts_of(db, "petition", petition.id)] == ["done"] * n


def test_petition_lead_proceeds_after_a_late_co_squad_is_marked_missing(db, org):
    from tests.workflows.petitions.helpers import do as p_do

    co = Squads(db, org, 2)
    petition = make_petition(db, org)
    parts = [{"squad_id": s.id, "part": "核查"} for s in co.squads]
    p_do(db, org, petition, "assign", squad_id=org.squad_a.id, co_squads=parts)
    first, second = parts_of(db, "petition", petition.id)
    co_branch(db, petition, co.squads[0], co.members[0])
    late = second.due_at + timedelta(hours=1)
    cosquads.mark_missing(db, actor=org.a_leader, now=late, family="petition", subject_id=petition.id,
                          part_id=second.id)
    p_do(db, org, petition, "accept", actor=org.a_member, at=late)
    p_do(db, org, petition, "investigate", at=late)
    p_do(db, org, petition, "reply", at=late)
    assert (first.status, second.status, second.late) == ("done", "missing", True)


def test_major_case_co_squad_added_while_open_joins_before_the_close(db, org):
    from tests.workflows.cases.test_lifecycle import conclude
    from tests.workflows.cases.test_lifecycle import do as c_do

    co = Squads(db, org, 1)
    case = make_case(db, org, forms=("letter",))
    cosquads.add(db, actor=org.coordinator, now=NOW, family="major_case", subject_id=case.id,
                 part=PartInput(co.squads[0].id, "核查跨界部分的执法程序"))
    assert ("co_accept", co.squads[0].id) in steps(db, case), "the finished empty activity is reopened"
    conclude(db, org, case, problems={"procedure": "送达程序不规范"})
    with pytest.raises(InvalidInput, match="协办中队尚未反馈"):
        c_do(db, org.a_member, case, "rectify", answer_procedure="已补充送达")
    co_branch(db, case, co.squads[0], co.members[0])
    c_do(db, org.a_member, case, "rectify", answer_procedure="已补充送达")
    c_do(db, org.coordinator, case, "verify", decision="approve")
    assert case.status == "closed" and open_work(db, case) == []


def test_major_case_without_co_squads_closes_as_before(db, org):
    from tests.workflows.cases.test_lifecycle import conclude, record

    case = make_case(db, org, forms=("phone",))
    record(db, org, case, "phone")
    conclude(db, org, case)
    assert case.status == "closed"


def test_task_verbs_work_on_co_squad_steps(db, org):
    from models.deadlines import Urge
    from workflows.tasks import transfer, urge, withdraw

    co = Squads(db, org, 1)
    squad, member = co.squads[0], co.members[0]
    colleague = make_user(db, Role.SQUAD_MEMBER, squad=squad)
    item = make_item(db, org)
    assign(db, org, item, co)
    work = next(w for w in open_work(db, item) if w.step == "co_accept")
    urge.urge(db, actor=org.coordinator, now=NOW, family=FAMILY, subject_id=item.id, task_uuid=work.task_uuid,
              message="请尽快签收协办任务")
    row = db.query(Urge).filter_by(task_uuid=work.task_uuid).one()
    assert row.squad_id == squad.id, "an urge of a co-squad step counts for the co-squad"
    do(db, item, "co_accept", member, squad_id=squad.id)
    assist = next(w for w in open_work(db, item) if w.step == "co_assist")
    assert assist.assignee_id == member.id and assist.squad_id == squad.id
    transfer.delegate(db, actor=member, now=NOW, work_id=assist.id, to_user_id=colleague.id, note="请协助")
    transfer.resolve(db, actor=colleague, now=NOW, work_id=assist.id, draft={"findings": ["已核查"]})
    do(db, item, "co_assist", member, squad_id=squad.id)
    withdraw.withdraw(db, actor=member, now=NOW + timedelta(minutes=5), family=FAMILY, subject_id=item.id)
    assert ("co_assist", squad.id) in steps(db, item), "withdrawn: the co-squad's step is open again"
    do(db, item, "co_assist", member, squad_id=squad.id)
    do(db, item, "co_feedback", member, squad_id=squad.id)
    [part] = parts_of(db, FAMILY, item.id)
    assert part.status == "done"
    with pytest.raises(Conflict):
        withdraw.withdraw(db, actor=member, now=NOW + timedelta(minutes=9), family=FAMILY, subject_id=item.id)


def test_the_rule_book_sets_a_co_squads_limit_and_the_return_window(db, org):
    from workflows.calendar import load_calendar
    from workflows.deadlines.rules import save_rule
    from workflows.tasks import returns

    values = {"unit": "workday", "amount": 2, "yellow_pct": 67, "red_workdays": 1, "escalate_workdays": 1,
              "red_after_urges": 2, "order_answer_workdays": 3}
    for step, amount in (("co_squad", 2), ("return_window", 3)):
        save_rule(db, actor_id=org.admin.id, now=NOW - timedelta(days=1), family=FAMILY, kind=0, step=step,
                  values={**values, "amount": amount})
    co = Squads(db, org, 1)
    item = make_item(db, org)
    assign(db, org, item, co)
    [part] = parts_of(db, FAMILY, item.id)
    calendar = load_calendar(db)
    assert part.due_at == calendar.deadline(NOW, 2, "workday").due_at
    window = returns.window(db, item_family(), item, NOW)
    assert window.until.due_at == calendar.deadline(NOW, 3, "workday").due_at


def item_family():
    from workflows import families

    return families.get(FAMILY)


def test_withdrawing_the_assignment_takes_the_branches_back_and_the_next_one_reopens_them(db, org):
    from workflows.tasks import withdraw

    co = Squads(db, org, 2)
    item = make_item(db, org)
    assign(db, org, item, co)
    withdraw.withdraw(db, actor=org.coordinator, now=NOW + timedelta(minutes=5), family=FAMILY, subject_id=item.id)
    assert [s for s, _ in steps(db, item)] == ["assign"]
    assert [p.status for p in parts_of(db, FAMILY, item.id)] == ["named", "named"]
    do(db, item, "assign", org.coordinator, at=NOW + timedelta(minutes=10), lead_squad_id=org.squad_a.id)
    assert sorted(s for s, _ in steps(db, item)) == ["accept", "co_accept", "co_accept"]
    assert [p.status for p in parts_of(db, FAMILY, item.id)] == ["open", "open"]
