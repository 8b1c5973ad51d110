"""The demo's 协办 / 退单 / 专案研究 part: co-squads (1–3, some late), returns in every state, a plain 改派,
meetings with actions, and bulletin columns non-zero for some squads and zero for others."""

from __future__ import annotations

import random
from collections import Counter

from sqlalchemy import select

from models.meetings import StudyAction, StudyMeeting
from models.responsibility import CoSquadPart, JurisdictionReturn, Reassignment
from tests.factories import NOW
from webapp import demo, demo_responsibility
from workflows import bulletins


def test_demo_shows_co_squads_returns_and_meetings(db):
    org = demo.load_org(db, NOW, random.Random(1))
    summary = demo_responsibility.load(db, NOW, org)
    assert "协办" in summary
    parts = list(db.scalars(select(CoSquadPart)))
    per_subject = Counter((p.family, p.subject_id) for p in parts)
    assert {"instructed_item", "petition"} <= {f for f, _ in per_subject}
    assert set(per_subject.values()) <= {1, 2, 3} and {1, 3} <= set(per_subject.values())
    statuses = Counter(p.status for p in parts)
    assert statuses["done"] and statuses["open"] and statuses["missing"], statuses
    assert any(p.late and p.status == "done" for p in parts), "a co-squad answered late"
    returns = Counter(r.status for r in db.scalars(select(JurisdictionReturn)))
    assert {"accepted", "rejected", "final", "pending", "escalated"} <= set(returns), returns
    assert {r.basis for r in db.scalars(select(Reassignment))} == {"assign", "return", "final", "direct"}
    meetings = list(db.scalars(select(StudyMeeting)))
    assert len(meetings) == 2 and all(len(m.decisions) == 3 for m in meetings)
    actions = list(db.scalars(select(StudyAction)))
    assert {a.status for a in actions} == {"open", "closed"}
    rows = [r for month in ("2026-10", "2026-11") for r in bulletins.month_bulletin(db, month, NOW).rows]
    for column in ("co_parts", "co_late", "jur_returns", "jur_rejected"):
        per_squad = Counter()
        for r in rows:
            per_squad[r.squad.id] += getattr(r, column)
        assert len(per_squad) == 10 and any(per_squad.values()) and 0 in per_squad.values(), (column, per_squad)
    rejected = sum(r.jur_rejected for r in rows)
    assert rejected == returns["rejected"] + 0, "rejected by the coordination section (the leader named another)"
