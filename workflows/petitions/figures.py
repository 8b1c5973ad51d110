"""Per-squad figures of a month: received, repeats, closed on time, callbacks made, satisfaction, reopened."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from models.audit import AuditEntry
from models.org import Squad
from models.petitions import FAMILY_PETITION, Callback, CallbackPlan, Petition
from workflows.petitions import months


@dataclass
class SquadFigures:
    squad: Squad
    received: int = 0
    repeats: int = 0
    closed: int = 0
    closed_on_time: int = 0
    callbacks_planned: int = 0
    callbacks_made: int = 0
    satisfied: int = 0
    reopened: int = 0

    @property
    def satisfaction_rate(self) -> float | None:
        return round(100 * self.satisfied / self.callbacks_made, 1) if self.callbacks_made else None

    @property
    def on_time_rate(self) -> float | None:
        return round(100 * self.closed_on_time / self.closed, 1) if self.closed else None


def _counts(session: Session, query) -> dict[int, int]:
    return {squad_id: n for squad_id, n in session.execute(query) if squad_id is not None}


def month_figures(session: Session, month: str, squads: list[Squad]) -> list[SquadFigures]:
    start, end = months.bounds(month)
    by_squad = Petition.squad_id
    received = and_(Petition.received_at >= start, Petition.received_at < end)
    closed = and_(Petition.first_closed_at >= start, Petition.first_closed_at < end)
    base = select(by_squad, func.count()).group_by(by_squad)
    calls = (select(CallbackPlan.squad_id, func.count()).join(Callback, Callback.plan_id == CallbackPlan.id)
             .where(CallbackPlan.month == month).group_by(CallbackPlan.squad_id))
    reopened = (select(by_squad, func.count()).join(AuditEntry, and_(AuditEntry.subject_id == Petition.id,
                                                                     AuditEntry.family == FAMILY_PETITION))
                .where(AuditEntry.action == "reopen", AuditEntry.at >= start, AuditEntry.at < end).group_by(by_squad))
    columns = {
        "received": _counts(session, base.where(received)),
        "repeats": _counts(session, base.where(received, Petition.repeat_of_id.is_not(None))),
        "closed": _counts(session, base.where(closed)),
        "closed_on_time": _counts(session, base.where(closed, Petition.closed_on_time.is_(True))),
        "callbacks_planned": _counts(session, calls),
        "callbacks_made": _counts(session, calls.where(Callback.status == "done")),
        "satisfied": _counts(session, calls.where(Callback.status == "done",
                                                  Callback.satisfaction.in_(("satisfied", "basically")))),
        "reopened": _counts(session, reopened),
    }
    return [SquadFigures(squad, **{k: v.get(squad.id, 0) for k, v in columns.items()}) for squad in squads]
