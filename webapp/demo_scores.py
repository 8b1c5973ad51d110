"""Demo results: the 2026 考核细则 and the score ledger built from the demo bureau's recorded events."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from workflows.calendar import LOCAL_TZ
from workflows.scoring import ledger, rules


def load(db: Session, now: datetime, org: dict) -> str:
    admin = org["users"]["admin"]
    for year in sorted({2026, now.astimezone(LOCAL_TZ).year}):
        rules.seed_year(db, year=year, now=now, actor=admin)
    built = ledger.rebuild(db, now=now)
    return f"考核台账：{built.added} 条记分"
