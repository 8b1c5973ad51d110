"""What petitions have of their own on the engine: reopening a closed petition for rectification after a
failed callback, in the same repeat chain, with a new deadline from the rule book and a re-check."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.deadlines import ClockEvent
from models.org import User
from models.petitions import Petition
from workflows import counting, families
from workflows.calendar import load_calendar
from workflows.deadlines.rules import load_book
from workflows.errors import Conflict
from workflows.petitions.deadlines import rectify_deadline
from workflows.petitions.family import FAMILY
from workflows.tasks import lifecycle


def in_repeat_chain(session: Session, petition: Petition) -> bool:
    if petition.repeat_of_id is not None:
        return True
    return bool(session.scalar(select(func.count(Petition.id)).where(Petition.chain_id == petition.chain_id)) > 1)


def reopen(session: Session, *, actor: User | None, now: datetime, petition: Petition, reason: str) -> Petition:
    """Reopen a closed petition for rectification in the same chain, with a new deadline and a re-check."""
    families.lock(session, FAMILY.name, petition.id)
    if petition.status != "closed":
        raise Conflict("该信访件尚在办理中，无需重新整改")
    due = rectify_deadline(load_calendar(session), load_book(session, FAMILY.name, now), now)
    old = petition.deadline_at
    petition.status, petition.closed_at = "open", None
    petition.rectify_due_at = due.due_at
    petition.deadline_at, petition.deadline_provisional, petition.deadline_basis = due.due_at, due.provisional, "given"
    petition.alert_stage, petition.level, petition.suspended_at = 0, "blue", None
    counting.increment(session, petition, "reopen_count")
    session.add(ClockEvent(family=FAMILY.name, subject_id=petition.id, kind="deadline_set", at=now,
                           actor_id=actor.id if actor else None, old_deadline_at=old, new_deadline_at=due.due_at,
                           note="回访不满意，重新整改"))
    return lifecycle.start(session, FAMILY, petition, actor=actor, now=now, summary="重新交办整改",
                           details={"rectify_due_at": due.due_at.isoformat(), "reason": reason},
                           data={"petition_id": petition.id, "reopen": True}, action="reopen")
