"""月度通报: exact counts per squad, on time vs late, the Shanghai month boundary, reuse of the family figures."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from models.deadlines import OverdueRecord
from models.items import ItemKind
from tests.factories import finish, make_case, make_item, make_referral, open_work
from tests.workflows.cases.test_figures import _close_referral, _conclude
from tests.workflows.petitions.helpers import closed_petition
from workflows import bulletins
from workflows.deadlines import requests
from workflows.errors import InvalidInput
from workflows.petitions import figures as petition_figures
from workflows.tasks import urge as urges

STEP_VALUES = {
    "investigate": {"findings": "现场核实属实"},
    "draft_reply": {"reply_text": "已责令整改"},
    "send_reply": {"replied_on": date(2026, 10, 1), "method": "document", "summary": "已书面回复"},
    "rectify": {"measures": "再次整改"},
}
LAST_EVENING = datetime(2026, 10, 31, 15, 30, tzinfo=UTC)  # 2026-10-31 23:30 in Shanghai: still October
AFTER_MIDNIGHT = datetime(2026, 10, 31, 16, 30, tzinfo=UTC)  # 2026-11-01 00:30 in Shanghai: November


def at(day: int, month: int = 10) -> datetime:
    return datetime(2026, month, day, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


def do(db, org, item, step, when, actor=None, **values):
    work = next(w for w in open_work(db, item) if w.step == step)
    actor = actor or {"coordination": org.coordinator, "leader": org.leader}.get(work.step_group, org.a_member)
    return finish(db, actor=actor, now=when, item=item, task_uuid=work.task_uuid,
                                    values={**STEP_VALUES.get(step, {}), **values})


def item(db, org, received: datetime, deadline: date, squad=None, when: datetime | None = None, member=None):
    """An item received at `received`, assigned to `squad` (A by default) and accepted."""
    found = make_item(db, org, kind=ItemKind.MEDIA_EXPOSURE, now=received + timedelta(hours=1), received_at=received,
                      deadline_on=deadline)
    when = when or received + timedelta(hours=2)
    do(db, org, found, "assign", when, lead_squad_id=(squad or org.squad_a).id)
    do(db, org, found, "accept", when, actor=member or org.a_member)
    return found


def close(db, org, found, when: datetime, satisfaction="satisfied", returned_at: datetime | None = None):
    do(db, org, found, "investigate", when)
    do(db, org, found, "draft_reply", when)
    if returned_at is not None:
        do(db, org, found, "review", returned_at, decision="return", opinion="证据不足")
        do(db, org, found, "draft_reply", when)
    do(db, org, found, "review", when, decision="approve")
    do(db, org, found, "send_reply", when)
    if satisfaction == "unsatisfied":
        do(db, org, found, "follow_up", when, method="callback", satisfaction="unsatisfied", solved=False,
           notes="仍未整改")
        do(db, org, found, "rectify", when)
        satisfaction = "basically"
    do(db, org, found, "follow_up", when, method="callback", satisfaction=satisfaction, solved=True)
    assert found.status == "closed" and found.closed_at == when


def overdue_record(db, squad, detected: datetime, n: int) -> None:
    db.add(OverdueRecord(key=f"test-{squad.id}-{n}", family="instructed_item", subject_id=0, step="investigate",
                         step_name="调查取证", squad_id=squad.id, due_at=detected - timedelta(hours=1),
                         detected_at=detected))
    db.flush()


@pytest.fixture
def october(db, org):
    """Squad A's instructed items around October 2026, one squad B item, overdue records either side of the end."""
    on_time = item(db, org, at(9), date(2026, 10, 20))
    close(db, org, on_time, at(15), returned_at=at(14))
    late = item(db, org, at(5), date(2026, 10, 10))
    close(db, org, late, at(20), satisfaction="unsatisfied")
    boundary = item(db, org, at(20), date(2026, 10, 31))
    close(db, org, boundary, LAST_EVENING)
    next_month = item(db, org, at(20), date(2026, 10, 28))
    close(db, org, next_month, AFTER_MIDNIGHT)
    still_open = item(db, org, datetime(2026, 9, 30, 16, 30, tzinfo=UTC), date(2026, 10, 25))
    september = item(db, org, at(29, 9), date(2026, 11, 20))
    do(db, org, september, "investigate", at(29, 9))
    do(db, org, september, "draft_reply", at(29, 9))
    do(db, org, september, "review", datetime(2026, 9, 30, 15, 30, tzinfo=UTC), decision="return", opinion="证据不足")
    requests.request_extension(db, actor=org.a_member, now=at(12), family="instructed_item", subject_id=still_open.id,
                            new_date=date(2026, 11, 30), reason="涉及多部门，需协调")
    step = next(w for w in open_work(db, still_open) if w.step == "investigate")
    for when in (at(15), AFTER_MIDNIGHT):
        urges.urge(db, actor=org.coordinator, now=when, family="instructed_item", subject_id=still_open.id,
                   task_uuid=step.task_uuid, message="请抓紧办理")
    b_item = item(db, org, at(8), date(2026, 10, 30), squad=org.squad_b, member=org.b_member)
    for n, (squad, detected) in enumerate([(org.squad_a, LAST_EVENING), (org.squad_a, AFTER_MIDNIGHT),
                                           (org.squad_b, at(3)), (org.squad_b, at(4))]):
        overdue_record(db, squad, detected, n)
    return {"on_time": on_time, "late": late, "boundary": boundary, "next_month": next_month, "b_item": b_item}


def row(bulletin, squad):
    return next(r for r in bulletin.rows if r.squad.id == squad.id)


def test_instructed_item_columns_for_october(db, org, october):
    a = row(bulletins.month_bulletin(db, "2026-10"), org.squad_a)
    assert a.received == 5, "received 10-05, 10-09, 10-20 twice, and 10-01 00:30 Shanghai (09-30 16:30 UTC)"
    assert (a.closed, a.closed_on_time, a.closed_late) == (3, 2, 1), "closed 23:30 on 10-31 Shanghai is October"
    assert a.open_overdue == 2, "deadline 10-28 closed on 11-01 00:30 Shanghai, and deadline 10-25 still open"
    assert a.overdue == 3
    assert (a.extensions, a.urges, a.returns) == (1, 1, 1), "not the 11-01 00:30 urge nor the 09-30 23:30 return"
    assert (a.satisfied, a.basically, a.unsatisfied) == (2, 1, 1)
    assert a.overdue_steps == 1


def test_the_same_items_in_november_and_september(db, org, october):
    november = row(bulletins.month_bulletin(db, "2026-11"), org.squad_a)
    assert (november.received, november.closed, november.closed_on_time, november.closed_late) == (0, 1, 0, 1)
    assert november.open_overdue == 2, "the 10-25 item and the 09-29 item (deadline 11-20) open at the end"
    assert (november.urges, november.overdue_steps, november.satisfied, november.returns) == (1, 1, 1, 0)
    september = row(bulletins.month_bulletin(db, "2026-09"), org.squad_a)
    assert (september.received, september.returns, september.overdue) == (1, 1, 0)


def test_other_squad_and_totals(db, org, october):
    bulletin = bulletins.month_bulletin(db, "2026-10")
    b = row(bulletin, org.squad_b)
    assert (b.received, b.closed, b.open_overdue, b.urges, b.overdue_steps) == (1, 0, 1, 0, 2)
    assert bulletin.total.squad is None and bulletin.total.name == "合计"
    assert (bulletin.total.received, bulletin.total.overdue, bulletin.total.overdue_steps) == (6, 4, 3)
    assert bulletin.notes[0] == "超期环节最多：江苏路中队（2 条）。"
    assert bulletin.notes[1] == "超期批示件最多：华阳路中队（3 件）。"
    assert "华阳路中队（1 次）" in bulletin.notes[2]
    assert (bulletin.start, bulletin.end) == (datetime(2026, 9, 30, 16, 0, tzinfo=UTC),
                                              datetime(2026, 10, 31, 16, 0, tzinfo=UTC))


def test_petition_and_case_columns_reuse_the_family_figures(db, org):
    closed_petition(db, org)
    case = make_case(db, org, forms=["letter"], now=at(10))
    _conclude(db, org, case, at(12), law="适用错误", procedure="程序违法")
    referral = make_referral(db, org, family="major_case", subject_id=case.id, now=at(13))
    _close_referral(db, org, referral, at(20), "talk")
    bulletin = bulletins.month_bulletin(db, "2026-10")
    a = row(bulletin, org.squad_a)
    fig = next(f for f in petition_figures.month_figures(db, "2026-10", [org.squad_a]))
    assert (a.petitions_received, a.petitions_closed, a.petitions_on_time) == (1, 1, 1)
    assert (a.petitions_received, a.petition_repeats, a.petitions_closed, a.petitions_on_time, a.callbacks_made,
            a.petitions_reopened) == (fig.received, fig.repeats, fig.closed, fig.closed_on_time, fig.callbacks_made,
                                      fig.reopened)
    assert a.petition_satisfaction_rate == fig.satisfaction_rate
    assert (a.cases, a.problems, a.referrals, a.referrals_closed, a.outcomes) == (1, 2, 1, 1, {"talk": 1})
    assert bulletin.notes[-1] == "本月追责办结处理结果：谈话提醒/批评教育 1 件。"
    assert row(bulletins.month_bulletin(db, "2026-11"), org.squad_a).cases == 0


def test_an_empty_month_and_a_bad_month(db, org):
    bulletin = bulletins.month_bulletin(db, "2030-01")
    assert [r.received for r in bulletin.rows] == [0, 0] and bulletin.total.overdue == 0
    assert bulletin.notes == ["本月无超期环节。", "本月无超期批示件。"]
    assert bulletin.title_month == "2030年1月"
    for bad in ("2026-13", "2026-1", "oct", ""):
        with pytest.raises(InvalidInput):
            bulletins.month_bulletin(db, bad)


def test_running_month_counts_open_overdue_at_as_of(db, org, october):
    bulletin = bulletins.month_bulletin(db, "2026-10", as_of=at(26))
    a = row(bulletin, org.squad_a)
    assert bulletin.partial and bulletin.cutoff == at(26)
    assert a.open_overdue == 1, "only the 10-25 item is open past its deadline on 10-26; 10-28 is not due yet"
    assert (a.closed, a.closed_late) == (3, 1)
    later = bulletins.month_bulletin(db, "2026-10", as_of=at(5, 12))
    assert not later.partial and row(later, org.squad_a).open_overdue == 2, "a past month is cut at its end"
