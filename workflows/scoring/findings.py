"""Inspection findings (督察发现问题, the inspections area) as scored events and dashboard figures. Read through a
light table description, not the inspections models, so the ledger works whether or not that area is
installed: when the `finding` table exists, each confirmed finding (not dismissed) counts by its template
deduction for its squad and the person responsible."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Integer, Numeric, String, column, inspect, select, table
from sqlalchemy.orm import Session

from models.base import UTCDateTime
from workflows.scoring.events import Event, source

FINDING = table("finding", column("id", Integer), column("number", String), column("squad_id", Integer),
                column("responsible_id", Integer), column("category", String), column("deduction", Numeric(6, 2)),
                column("status", String), column("confirmed_at", UTCDateTime()))
COUNTED = FINDING.c.confirmed_at.is_not(None) & (FINDING.c.status != "dismissed")


def present(session: Session) -> bool:
    return inspect(session.connection()).has_table("finding")


@source
def finding_events(session: Session, now: datetime) -> Iterable[Event]:
    if not present(session):
        return []
    query = select(FINDING).where(COUNTED).order_by(FINDING.c.id)
    return [Event(f"finding:{f.id}", "finding", f.confirmed_at, "finding", f.id, "finding", f.id, None, f.squad_id,
                  f.responsible_id, weight=Decimal(f.deduction or 0), note=f"{f.number or ''} {f.category}".strip())
            for f in session.execute(query)]
