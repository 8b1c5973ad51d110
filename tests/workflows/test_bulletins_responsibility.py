"""The bulletin's 协办 / 退单 columns equal the rows behind them, non-zero for the squads concerned and zero for
the others."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from models.responsibility import CoSquadPart, JurisdictionReturn
from tests.factories import NOW, finish, make_item, make_squad, open_work
from workflows import bulletins
from workflows.tasks import cosquads, returns
from workflows.tasks.parts import parts_of


def test_co_squad_and_return_columns_equal_their_rows(db, org):
    idle = make_squad(db, "程家桥中队")
    items = [make_item(db, org) for _ in range(3)]
    for item in items:
        finish(db, actor=org.coordinator, now=NOW, item=item, task_uuid=open_work(db, item)[0].task_uuid,
               values={"lead_squad_id": org.squad_a.id, "co_squads": [{"squad_id": org.squad_b.id, "part": "协查"}]})
    late_part = parts_of(db, "instructed_item", items[0].id)[0]
    cosquads.mark_missing(db, actor=org.coordinator, now=late_part.due_at + timedelta(hours=1),
                          family="instructed_item", subject_id=items[0].id, part_id=late_part.id)
    filed = [returns.file(db, actor=org.a_leader, now=NOW + timedelta(hours=1), family="instructed_item",
                          subject_id=item.id, reason="function", explanation="属市场监管职能") for item in items[1:]]
    returns.decide(db, actor=org.coordinator, now=NOW + timedelta(hours=2), return_id=filed[0].id, accept=False,
                   note="属城管职能")
    bulletin = bulletins.month_bulletin(db, "2026-11")
    rows = {r.squad.id: r for r in bulletin.rows}
    a, b = rows[org.squad_a.id], rows[org.squad_b.id]
    parts_b = db.scalar(select(func.count(CoSquadPart.id)).where(CoSquadPart.squad_id == org.squad_b.id))
    late_b = db.scalar(select(func.count(CoSquadPart.id)).where(CoSquadPart.squad_id == org.squad_b.id,
                                                                CoSquadPart.late.is_(True)))
    returns_a = db.scalar(select(func.count(JurisdictionReturn.id))
                          .where(JurisdictionReturn.squad_id == org.squad_a.id))
    rejected_a = db.scalar(select(func.count(JurisdictionReturn.id)).where(
        JurisdictionReturn.squad_id == org.squad_a.id, JurisdictionReturn.status == "rejected"))
    assert (b.co_parts, b.co_late) == (parts_b, late_b) == (3, 1)
    assert (a.jur_returns, a.jur_rejected) == (returns_a, rejected_a) == (2, 1)
    assert (a.co_parts, b.jur_returns) == (0, 0)
    assert (rows[idle.id].co_parts, rows[idle.id].jur_returns, rows[idle.id].jur_rejected) == (0, 0, 0)
    assert bulletin.total.jur_returns == 2 and bulletin.total.co_parts == 3
    assert bulletins.month_bulletin(db, "2026-10").total.jur_returns == 0
