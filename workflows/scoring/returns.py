"""Rejected jurisdiction returns (退单被驳回, issue 17) as scored events: a squad that returns a subject that was
theirs after all has kept the work order "flying"; the assessment can score it. One event per rejected return
(by the coordination section, or by the leader's final word keeping the same squad), at its decision, for the
returning squad and the person who filed it."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.responsibility import JurisdictionReturn
from workflows.scoring.events import Event, Subjects, source
from workflows.tasks.returns import rejected


@source
def rejected_returns(session: Session, now: datetime) -> Iterable[Event]:
    query = select(JurisdictionReturn).where(JurisdictionReturn.status.in_(("rejected", "final")),
                                             JurisdictionReturn.decided_at.is_not(None))
    subjects = Subjects(session)
    return [Event(f"return:{r.id}", "return_rejected", r.decided_at, "return", r.id, r.family, r.subject_id, None,
                  r.squad_id, r.filed_by_id, note=f"{subjects.number(r.family, r.subject_id)} {r.reason_label}".strip())
            for r in session.scalars(query.order_by(JurisdictionReturn.id)) if rejected(r)]
