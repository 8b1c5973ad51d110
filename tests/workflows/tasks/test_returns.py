"""退单 and 改派 through the generic toolkit: the window in working days (weekend, public holiday, checked against
chinesecalendar itself), accept (the new squad's limit starts, the first squad is charged nothing), reject (the
clock kept running), the second return to the leader (final), and a plain 改派 with co-squads."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import chinese_calendar
import pytest

from models.responsibility import Reassignment
from tests.factories import NOW, finish, make_item, open_work
from workflows import audit
from workflows.calendar import LOCAL_TZ, load_calendar
from workflows.deadlines.rules import book_for
from workflows.errors import Conflict, InvalidInput, PermissionDenied
from workflows.tasks import assignments, returns
from workflows.tasks.cosquads import PartInput
from workflows.tasks.parts import parts_of

FAMILY = "instructed_item"


def local(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=LOCAL_TZ).astimezone(UTC)


def next_workday(day: date) -> date:
    day += timedelta(days=1)
    while not chinese_calendar.is_workday(day):
        day += timedelta(days=1)
    return day


def assigned_item(db, org, at=NOW):
    item = make_item(db, org, now=at, received_at=at - timedelta(hours=1))
    work = open_work(db, item)[0]
    finish(db, actor=org.coordinator, now=at, item=item, task_uuid=work.task_uuid,
           values={"lead_squad_id": org.squad_a.id})
    return item


def file(db, org, item, at, actor=None):
    return returns.file(db, actor=actor or org.a_leader, now=at, family=FAMILY, subject_id=item.id,
                        reason="territory", explanation="该点位属江苏路街道辖区，附地图截图")


@pytest.mark.parametrize("assigned_on", [date(2026, 11, 6), date(2026, 9, 30)],
                         ids=["friday-before-weekend", "day-before-national-day"])
def test_the_return_window_is_one_working_day_by_chinesecalendar(db, org, assigned_on):
    at = local(assigned_on, 10)
    item = assigned_item(db, org, at)
    last = next_workday(assigned_on)
    assert (last - assigned_on).days > 1, "the window spans days off"
    fam_win = returns.window(db, item_family(), item, local(last, 17))
    assert fam_win.allowed and fam_win.until.due_at.astimezone(LOCAL_TZ).date() == last
    day_after = last + timedelta(days=1)
    closed = returns.window(db, item_family(), item, local(day_after, 9))
    assert not closed.allowed and "超过退单时限" in closed.why
    with pytest.raises(Conflict, match="超过退单时限"):
        file(db, org, item, local(day_after, 9))
    file(db, org, item, local(last, 17))


def item_family():
    from workflows import families

    return families.get(FAMILY)


def test_rejected_return_keeps_the_original_deadline(db, org):
    item = assigned_item(db, org)
    deadline = item.deadline_at
    row = file(db, org, item, NOW + timedelta(hours=2))
    assert returns.window(db, item_family(), item, NOW + timedelta(hours=3)).why.startswith("退单正在审核")
    with pytest.raises(InvalidInput):
        returns.decide(db, actor=org.coordinator, now=NOW, return_id=row.id, accept=False, note="")
    returns.decide(db, actor=org.coordinator, now=NOW + timedelta(hours=3), return_id=row.id, accept=False,
                   note="经核实属华阳路辖区")
    assert row.status == "rejected" and item.lead_squad_id == org.squad_a.id
    assert item.deadline_at == deadline, "a return never stops the clock unless accepted"
    assert [w.squad_id for w in open_work(db, item)] == [org.squad_a.id]
    with pytest.raises(Conflict, match="已由"):
        returns.decide(db, actor=org.coordinator, now=NOW, return_id=row.id, accept=True, to_squad_id=org.squad_b.id)


def test_accepted_return_reassigns_and_the_new_limit_starts_then(db, org):
    item = assigned_item(db, org)
    original = item.deadline_at
    later = NOW + timedelta(days=1)  # Tuesday, inside the window
    row = file(db, org, item, later)
    decided = later + timedelta(hours=2)
    returns.decide(db, actor=org.coordinator, now=decided, return_id=row.id, accept=True, to_squad_id=org.squad_b.id,
                   co_squads=[PartInput(org.squad_a.id, "配合提供前期资料")])
    assert item.lead_squad_id == org.squad_b.id and item.handler_id is None
    [work] = [w for w in open_work(db, item) if w.step == "accept"]
    assert (work.squad_id, work.started_at) == (org.squad_b.id, decided)
    fam = item_family()
    assert assignments.assigned_at(db, fam, item) == decided
    expected = book_for(db, FAMILY, item).item(item.kind).due(load_calendar(db), decided)
    assert item.deadline_at == expected.due_at > original, "the new squad's limit starts at reassignment"
    [part] = parts_of(db, FAMILY, item.id)
    assert part.squad_id == org.squad_a.id, "the first squad can stay on as a co-squad"
    basis = [r.basis for r in db.query(Reassignment).filter_by(family=FAMILY, subject_id=item.id)]
    assert basis == ["assign", "return"]
    actions = [e.action for e in audit.timeline(db, FAMILY, item.id)]
    assert {"return_filed", "return_decided", "reassigned"} <= set(actions)
    with pytest.raises(PermissionDenied):
        file(db, org, item, decided, actor=org.a_leader)  # no longer the lead squad


def test_a_second_return_goes_to_the_leader_whose_decision_is_final(db, org):
    item = assigned_item(db, org)
    first = file(db, org, item, NOW + timedelta(hours=1))
    returns.decide(db, actor=org.coordinator, now=NOW + timedelta(hours=2), return_id=first.id, accept=True,
                   to_squad_id=org.squad_b.id)
    second = returns.file(db, actor=org.b_leader, now=NOW + timedelta(hours=3), family=FAMILY, subject_id=item.id,
                          reason="ownership", explanation="权属不清")
    assert second.status == "escalated"
    with pytest.raises(PermissionDenied, match="局领导"):
        returns.decide(db, actor=org.coordinator, now=NOW, return_id=second.id, accept=False, note="x")
    returns.decide(db, actor=org.leader, now=NOW + timedelta(hours=4), return_id=second.id, accept=False,
                   note="仍由江苏路中队承办")
    assert second.status == "final" and returns.rejected(second) and item.lead_squad_id == org.squad_b.id
    win = returns.window(db, item_family(), item, NOW + timedelta(hours=5))
    assert not win.allowed and "终审" in win.why


def test_leader_final_decision_can_name_another_squad(db, org):
    item = assigned_item(db, org)
    first = file(db, org, item, NOW + timedelta(hours=1))
    returns.decide(db, actor=org.coordinator, now=NOW + timedelta(hours=2), return_id=first.id, accept=False,
                   note="属本辖区")
    second = file(db, org, item, NOW + timedelta(hours=3))
    assert second.status == "escalated"
    returns.decide(db, actor=org.leader, now=NOW + timedelta(hours=4), return_id=second.id, accept=True,
                   to_squad_id=org.squad_b.id, note="改由江苏路中队承办")
    assert item.lead_squad_id == org.squad_b.id and not returns.rejected(second)


def test_plain_reassignment_takes_the_same_path(db, org):
    item = assigned_item(db, org)
    with pytest.raises(PermissionDenied):
        returns.reassign(db, actor=org.a_leader, now=NOW, family=FAMILY, subject_id=item.id,
                         to_squad_id=org.squad_b.id, reason="x")
    with pytest.raises(InvalidInput):
        returns.reassign(db, actor=org.coordinator, now=NOW, family=FAMILY, subject_id=item.id,
                         to_squad_id=org.squad_a.id, reason="x")
    returns.reassign(db, actor=org.coordinator, now=NOW + timedelta(hours=1), family=FAMILY, subject_id=item.id,
                     to_squad_id=org.squad_b.id, reason="属地调整")
    assert item.lead_squad_id == org.squad_b.id
    assert assignments.latest(db, FAMILY, item.id).basis == "direct"
    assert [w.squad_id for w in open_work(db, item)] == [org.squad_b.id]


def test_return_counts_per_squad_equal_the_rows(db, org):
    item, other = assigned_item(db, org), assigned_item(db, org)
    r1 = file(db, org, item, NOW + timedelta(hours=1))
    file(db, org, other, NOW + timedelta(hours=1))
    returns.decide(db, actor=org.coordinator, now=NOW + timedelta(hours=2), return_id=r1.id, accept=False, note="驳回")
    counts = returns.counts(db, NOW, NOW + timedelta(days=1))
    assert counts == {org.squad_a.id: {"returns": 2, "returns_rejected": 1}}
