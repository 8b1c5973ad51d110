"""Races on one open step (issue 10): withdraw against claim, unclaim against complete, two bulk urges at once.
Exactly one side wins a conflict and the other gets a clear message; nothing is lost or counted twice."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.deadlines import Urge
from models.engine import WorkItem
from models.items import SupervisedItem
from models.org import User
from tests.concurrency.scenarios import _threads
from tests.factories import NOW, Org, finish, make_item, open_work
from workflows.errors import DomainError
from workflows.tasks import bulk, claim, complete, urge, withdraw


def _setup(engine, n: int = 1) -> dict:
    with Session(engine, expire_on_commit=False) as db:
        org = Org(db)
        items = [make_item(db, org, title=f"并发件{i}") for i in range(n)]
        for item in items:
            finish(db, actor=org.coordinator, now=NOW, item=item, task_uuid=open_work(db, item)[0].task_uuid,
                   values={"lead_squad_id": org.squad_a.id})
        db.commit()
        return {"coordinator": org.coordinator.id, "leader": org.leader.id, "member": org.a_member.id,
                "items": [i.id for i in items], "work": [open_work(db, i)[0].id for i in items]}


def _as(db, user_id):
    return db.get(User, user_id)


def _outcome(engine, action):
    def run(i, barrier):
        barrier.wait(30)
        with Session(engine, expire_on_commit=False) as db:
            try:
                action(db, i)
                db.commit()
                return "ok"
            except DomainError as exc:
                db.rollback()
                return exc.message
    return run


def test_withdraw_against_claim_exactly_one_wins(committed):
    ids = _setup(committed)
    item_id, work_id = ids["items"][0], ids["work"][0]

    def act(db, i):
        if i == 0:
            withdraw.withdraw(db, actor=_as(db, ids["coordinator"]), now=NOW, family="instructed_item",
                              subject_id=item_id)
        else:
            claim.claim(db, actor=_as(db, ids["member"]), now=NOW, work_id=work_id)

    results = _threads(2, _outcome(committed, act))
    assert results.count("ok") == 1, results
    loser = next(r for r in results if r != "ok")
    assert "签收" in loser or "已办理完毕" in loser or "不能撤回" in loser, loser
    with Session(committed) as db:
        steps = [w.step for w in db.scalars(select(WorkItem).where(WorkItem.subject_id == item_id))]
        assert steps in (["assign"], ["accept"]), steps


def test_unclaim_against_complete_never_loses_the_completion(committed):
    """The holder unclaims in one tab and completes in another. Both orders are legitimate: unclaim first
    returns the step to the squad, whose member may still complete it; complete first leaves nothing to
    unclaim, and the unclaim gets a clear message. Either way the completion is kept and nothing crashes."""
    ids = _setup(committed)
    item_id, work_id = ids["items"][0], ids["work"][0]
    with Session(committed) as db:
        claim.claim(db, actor=_as(db, ids["member"]), now=NOW, work_id=work_id)
        db.commit()
        task_uuid = db.get(WorkItem, work_id).task_uuid

    def act(db, i):
        if i == 0:
            claim.unclaim(db, actor=_as(db, ids["member"]), now=NOW, work_id=work_id)
        else:
            complete.complete(db, actor=_as(db, ids["member"]), now=NOW, family="instructed_item",
                              subject_id=item_id, task_uuid=task_uuid, values={"handler_id": ids["member"]})

    unclaimed, completed = _threads(2, _outcome(committed, act))
    assert completed == "ok", completed
    assert unclaimed in ("ok", claim.GONE), unclaimed
    with Session(committed) as db:
        item = db.get(SupervisedItem, item_id)
        assert item.handler_id == ids["member"] and item.current_step_name == "调查取证"
        assert db.get(WorkItem, work_id) is None or db.get(WorkItem, work_id).task_uuid != task_uuid


def test_two_bulk_urges_at_once_urge_each_row_once_each(committed):
    ids = _setup(committed, n=4)
    keys = [str(w) for w in ids["work"]]

    def act(db, i):
        actor = _as(db, ids["coordinator"] if i == 0 else ids["leader"])

        def one(key):
            work = db.get(WorkItem, int(key))
            urge.urge(db, actor=actor, now=NOW, family=work.family, subject_id=work.subject_id,
                      task_uuid=work.task_uuid, message=f"批量催办{i}")
            return "ok"

        results = bulk.run(db, keys, one)
        assert all(r.ok for r in results), results

    assert _threads(2, _outcome(committed, act)) == ["ok", "ok"]
    with Session(committed) as db:
        assert db.scalar(select(func.count(Urge.id))) == 8
        counts = db.scalars(select(SupervisedItem.urge_count).where(SupervisedItem.id.in_(ids["items"]))).all()
        assert counts == [2, 2, 2, 2]
