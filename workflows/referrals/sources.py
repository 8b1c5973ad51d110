"""What a referral comes from: any family's subject, identified by (family, subject_id).

Families known here give their number, title, squad and handler; any other family (petitions, overdue
escalations, future ones) is accepted when the subject has a timeline or a process instance."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from models.audit import AuditEntry
from models.cases import FAMILY_MAJOR_CASE, MajorCase
from models.engine import ProcessInstance
from models.items import FAMILY_INSTRUCTED, SupervisedItem
from workflows.errors import InvalidInput, NotFound

FAMILY_PATTERN = re.compile(r"^[a-z][a-z_]{1,31}$")


@dataclass(frozen=True)
class Source:
    family: str
    subject_id: int
    label: str
    squad_id: int | None = None
    handler_id: int | None = None


def _known(session: Session, family: str, subject_id: int) -> Source | None:
    if family == FAMILY_INSTRUCTED:
        item = session.get(SupervisedItem, subject_id)
        if item is not None:
            return Source(family, subject_id, f"{item.number} {item.title}", item.lead_squad_id, item.handler_id)
    if family == FAMILY_MAJOR_CASE:
        case = session.get(MajorCase, subject_id)
        if case is not None:
            return Source(family, subject_id, f"{case.number} {case.title}", case.squad_id, case.handler_id)
    return None


def _has_trace(session: Session, family: str, subject_id: int) -> bool:
    audit = exists().where(AuditEntry.family == family, AuditEntry.subject_id == subject_id)
    instance = exists().where(ProcessInstance.family == family, ProcessInstance.subject_id == subject_id)
    return bool(session.scalar(select(or_(audit, instance))))


def resolve(session: Session, family: str, subject_id: int, label: str = "") -> Source:
    """The source of a referral, or NotFound when there is no such subject."""
    if not FAMILY_PATTERN.match(family or ""):
        raise InvalidInput("来源类型不正确", "family")
    known = _known(session, family, subject_id)
    if known is not None:
        return known
    if family in (FAMILY_INSTRUCTED, FAMILY_MAJOR_CASE) or not _has_trace(session, family, subject_id):
        raise NotFound("移送来源不存在")
    squad_id, handler_id = _responsible(session, family, subject_id)
    return Source(family, subject_id, label.strip()[:250] or f"{family} #{subject_id}", squad_id, handler_id)


def _responsible(session: Session, family: str, subject_id: int) -> tuple[int | None, int | None]:
    """The squad and handler a family's descriptor names for the subject (the referral's default target)."""
    from workflows import families

    fam = families.find(family)
    subject = session.get(fam.model, subject_id) if fam is not None else None
    if subject is None:
        return None, None
    return fam.squad_of(subject), fam.handler_of(subject)
