"""When a subject's lead squad (主办) was named, for any family: one `reassignment` row each time (交办, an
accepted return, a leader's final decision, a plain 改派). The latest row starts the squad's return window."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.org import User
from models.responsibility import Reassignment
from workflows.families import Family


def record(session: Session, fam: Family, subject: Any, *, from_squad_id: int | None, actor: User | None,
           now: datetime, basis: str = "assign", return_id: int | None = None, reason: str = "") -> Reassignment | None:
    to_squad_id = getattr(subject, fam.squad_field, None)
    if to_squad_id is None or (to_squad_id == from_squad_id and basis == "assign"):
        return None
    row = Reassignment(family=fam.name, subject_id=subject.id, from_squad_id=from_squad_id, to_squad_id=to_squad_id,
                       basis=basis, return_id=return_id, reason=reason, by_id=actor.id if actor else None, at=now)
    session.add(row)
    session.flush()
    return row


def latest(session: Session, family: str, subject_id: int) -> Reassignment | None:
    return session.scalar(select(Reassignment).where(Reassignment.family == family,
                                                     Reassignment.subject_id == subject_id)
                          .order_by(Reassignment.at.desc(), Reassignment.id.desc()).limit(1))


def history(session: Session, family: str, subject_id: int) -> list[Reassignment]:
    return list(session.scalars(select(Reassignment).where(Reassignment.family == family,
                                                           Reassignment.subject_id == subject_id)
                                .order_by(Reassignment.at, Reassignment.id)))


def assigned_at(session: Session, fam: Family, subject: Any) -> datetime:
    """When the current lead squad got the subject (its start when no assignment was recorded)."""
    row = latest(session, fam.name, subject.id)
    return row.at if row is not None else fam.started_of(subject)
