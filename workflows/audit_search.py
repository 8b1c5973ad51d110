"""The security auditor's view of the audit trail: search by user, action, subject and time; rows for an
export. Entries on supervised subjects show who did what, when, from where and the outcome, but not their
summary, opinion or details: those are case content, which the 三员 roles never read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from models.audit import AuditEntry
from models.org import Role, User
from workflows import families
from workflows.errors import PermissionDenied

HIDDEN = "（案件内容，不向审计员显示）"


@dataclass(frozen=True)
class Filters:
    username: str = ""
    action: str = ""
    family: str = ""
    subject_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None
    outcome: str = ""


def require_auditor(actor: User) -> None:
    if not actor.has(Role.SECURITY_AUDITOR):
        raise PermissionDenied("只有安全审计员可以查阅审计记录")


def query(session: Session, actor: User, f: Filters) -> Select:
    require_auditor(actor)
    q = select(AuditEntry)
    if f.username:
        user_id = session.scalar(select(User.id).where(User.username == f.username.strip()))
        q = q.where(AuditEntry.actor_id == (user_id or -1))
    for column, value in ((AuditEntry.action, f.action), (AuditEntry.family, f.family),
                          (AuditEntry.outcome, f.outcome)):
        if value:
            q = q.where(column == value.strip())
    if f.subject_id is not None:
        q = q.where(AuditEntry.subject_id == f.subject_id)
    if f.since is not None:
        q = q.where(AuditEntry.at >= f.since)
    if f.until is not None:
        q = q.where(AuditEntry.at < f.until)
    return q


def is_case_content(entry: AuditEntry) -> bool:
    return families.find(entry.family) is not None


def shown_summary(entry: AuditEntry) -> str:
    return HIDDEN if is_case_content(entry) else entry.summary
