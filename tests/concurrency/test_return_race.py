"""Two coordinators decide the same 退单 at once (one accepts and reassigns, the other rejects): exactly one
wins, the other gets a clear message naming the decision, and the subject is reassigned at most once."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.items import SupervisedItem
from models.org import Role, User
from models.responsibility import JurisdictionReturn, Reassignment
from tests.concurrency.scenarios import _threads
from tests.factories import NOW, Org, finish, make_item, make_user, open_work
from workflows.errors import DomainError
from workflows.tasks import returns


def _setup(engine) -> dict:
    with Session(engine, expire_on_commit=False) as db:
        org = Org(db)
        second = make_user(db, Role.COORDINATOR, section=org.coordination, name="协调员二")
        item = make_item(db, org)
        finish(db, actor=org.coordinator, now=NOW, item=item, task_uuid=open_work(db, item)[0].task_uuid,
               values={"lead_squad_id": org.squad_a.id})
        row = returns.file(db, actor=org.a_leader, now=NOW + timedelta(hours=1), family="instructed_item",
                           subject_id=item.id, reason="territory", explanation="不属本辖区")
        db.commit()
        return {"coordinators": [org.coordinator.id, second.id], "item": item.id, "return": row.id,
                "squad_a": org.squad_a.id, "squad_b": org.squad_b.id}


def test_two_coordinators_deciding_one_return_one_wins(committed):
    ids = _setup(committed)

    def run(i, barrier):
        barrier.wait(30)
        with Session(committed, expire_on_commit=False) as db:
            actor = db.get(User, ids["coordinators"][i])
            try:
                if i == 0:
                    returns.decide(db, actor=actor, now=NOW + timedelta(hours=2), return_id=ids["return"],
                                   accept=True, to_squad_id=ids["squad_b"])
                else:
                    returns.decide(db, actor=actor, now=NOW + timedelta(hours=2), return_id=ids["return"],
                                   accept=False, note="属本辖区")
                db.commit()
                return "ok"
            except DomainError as exc:
                db.rollback()
                return exc.message

    results = _threads(2, run)
    assert results.count("ok") == 1, results
    loser = next(r for r in results if r != "ok")
    assert "该退单已由" in loser and "请刷新页面" in loser, loser
    with Session(committed) as db:
        row = db.get(JurisdictionReturn, ids["return"])
        item = db.get(SupervisedItem, ids["item"])
        moved = db.scalar(select(func.count(Reassignment.id)).where(Reassignment.basis == "return"))
        if row.status == "accepted":
            assert (item.lead_squad_id, moved) == (ids["squad_b"], 1)
        else:
            assert (row.status, item.lead_squad_id, moved) == ("rejected", ids["squad_a"], 0)
