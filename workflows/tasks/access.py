"""Who sees a subject of any family: its family's rule, or a CC to the user. Anything outside a user's scope
answers exactly like an unknown id (NotFound), so ids never leak."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.org import User
from models.subjects import SubjectCc
from workflows import families
from workflows.errors import NotFound
from workflows.families import Family

HIDDEN = "督办事项不存在或无权查看"


def is_cc(session: Session, user: User, family: str, subject_id: int) -> bool:
    return session.scalar(select(SubjectCc.id).where(SubjectCc.family == family, SubjectCc.subject_id == subject_id,
                                                     SubjectCc.user_id == user.id)) is not None


def can_view(session: Session, user: User, fam: Family, subject: Any) -> bool:
    """The family's rule, a CC, or a member of one of its co-squads (协办: they see the subject and their part)."""
    from workflows.tasks.parts import is_co_squad

    return (fam.can_view(user, subject) or is_cc(session, user, fam.name, subject.id)
            or is_co_squad(session, user, fam.name, subject.id))


def visible(session: Session, actor: User, family: str, subject_id: int, *, lock: bool = False) -> tuple[Family, Any]:
    """The subject, if the actor may see it (locked first when acting on it); NotFound otherwise."""
    fam = families.find(family)
    if fam is None:
        raise NotFound(HIDDEN)
    subject = families.lock(session, family, subject_id) if lock else session.get(fam.model, subject_id)
    if subject is None or not can_view(session, actor, fam, subject):
        raise NotFound(HIDDEN)
    return fam, subject
