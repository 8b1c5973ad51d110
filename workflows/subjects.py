"""The cross-family projection of subjects (table `subject`): one row per subject of any family, rebuilt in the
same transaction as every change to it, so that lists, search, badges and the API never read family tables."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from models.subjects import Subject
from workflows import families
from workflows.families import Family

SEARCH_LIMIT = 4000


def _values(fam: Family, subject: Any, now: datetime) -> dict:
    return {
        "number": subject.number, "title": fam.title_of(subject)[:200], "kind": fam.kind_of(subject),
        "status": str(subject.status), "current_step_name": (subject.current_step_name or "")[:200],
        "squad_id": fam.squad_of(subject), "handler_id": fam.handler_of(subject),
        "registered_by_id": fam.registered_by_of(subject), "registered_at": fam.started_of(subject),
        "closed_at": subject.closed_at, "deadline_at": subject.deadline_at,
        "deadline_provisional": bool(subject.deadline_provisional), "suspended": subject.suspended_at is not None,
        "level": subject.level or "blue",
        "search_text": f"{subject.number} {fam.title_of(subject)} {fam.search_text_of(subject)}"[:SEARCH_LIMIT],
        "updated_at": now,
    }


_PENDING = "duban_subject_rows"  # session.info: projection rows added but perhaps not flushed yet


def project(session: Session, fam: Family, subject: Any, now: datetime) -> None:
    """Refresh the subject's projection row in one UPDATE (no read first), or add it when there is none yet.
    A projection row this session already holds is not refreshed by the UPDATE (read it again if needed)."""
    if subject.id is None:
        session.flush()
    values = _values(fam, subject, now)
    pending = session.info.setdefault(_PENDING, {})
    row = pending.get((fam.name, subject.id))
    if row is not None and row in session:
        for name, value in values.items():
            setattr(row, name, value)
        return
    table = Subject.__table__  # Core: the ORM's bulk path costs more than the statement itself
    updated = session.execute(update(table).where(table.c.family == fam.name, table.c.subject_id == subject.id)
                              .values(**values)).rowcount
    if not updated:
        row = Subject(family=fam.name, subject_id=subject.id, **values)
        session.add(row)
        pending[(fam.name, subject.id)] = row


def project_by_id(session: Session, family: str, subject_id: int, now: datetime) -> bool:
    fam = families.get(family)
    subject = session.get(fam.model, subject_id)
    if subject is not None:
        project(session, fam, subject, now)
    return subject is not None


def rebuild(session: Session, now: datetime, *, missing_only: bool = True, batch: int = 500) -> int:
    """Project every subject of every family (only those without a row when `missing_only`); returns count."""
    done = 0
    for fam in families.all_families():
        query = select(fam.model).where(fam.model.number.is_not(None)).order_by(fam.model.id)  # registered ones
        if missing_only:
            query = query.where(fam.model.id.not_in(select(Subject.subject_id).where(Subject.family == fam.name)))
        for subject in session.scalars(query.execution_options(yield_per=batch)):
            project(session, fam, subject, now)
            done += 1
    return done


def find(session: Session, family: str, subject_id: int) -> Subject | None:
    return session.scalar(select(Subject).where(Subject.family == family, Subject.subject_id == subject_id))
