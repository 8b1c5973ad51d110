"""The co-squad parts (协办) of a subject as the rest of the toolkit reads them: who is a co-squad, where a
co-squad step sits and when it is due."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.org import Role, User
from models.responsibility import CoSquadPart
from workflows.calendar import load_calendar
from workflows.deadlines.responsibility import co_squad_due
from workflows.deadlines.rules import book_for
from workflows.families import Family

STEPS = ("co_accept", "co_assist", "co_feedback")
LIVE = ("named", "open", "done", "missing")


def parts_of(session: Session, family: str, subject_id: int, *, live_only: bool = False) -> list[CoSquadPart]:
    query = select(CoSquadPart).where(CoSquadPart.family == family, CoSquadPart.subject_id == subject_id)
    if live_only:
        query = query.where(CoSquadPart.status.in_(LIVE))
    return list(session.scalars(query.order_by(CoSquadPart.id)))


def is_co_squad(session: Session, user: User, family: str, subject_id: int) -> bool:
    """Is the user a member of one of the subject's (not removed) co-squads?"""
    if user.squad_id is None or not user.has(Role.SQUAD_LEADER, Role.SQUAD_MEMBER):
        return False
    return session.scalar(select(CoSquadPart.id).where(
        CoSquadPart.family == family, CoSquadPart.subject_id == subject_id, CoSquadPart.squad_id == user.squad_id,
        CoSquadPart.status.in_(LIVE))) is not None


def place(session: Session, fam: Family, subject: Any, part_id: int, now: datetime) -> CoSquadPart:
    """A co-squad step opened: its branch starts (once) with its own deadline."""
    part = session.get(CoSquadPart, part_id)
    if part.status == "named":
        due = co_squad_due(load_calendar(session), book_for(session, fam.name, subject), fam, subject, now)
        part.status, part.opened_at, part.due_at, part.due_provisional = "open", now, due.due_at, due.provisional
    return part


def follow_handler(session: Session, work, user_id: int) -> None:
    part = session.scalar(select(CoSquadPart).where(
        CoSquadPart.family == work.family, CoSquadPart.subject_id == work.subject_id,
        CoSquadPart.squad_id == work.squad_id, CoSquadPart.status == "open"))
    if part is not None and part.handler_id is not None:
        part.handler_id = user_id


def unopen(session: Session, family: str, subject_id: int) -> None:
    """The 交办 that opened the co-squads' branches was withdrawn: they are named again, waiting for it."""
    for part in parts_of(session, family, subject_id):
        if part.status == "open":
            part.status, part.opened_at, part.due_at, part.handler_id = "named", None, None, None
