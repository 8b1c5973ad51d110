"""Evidence a referral can cite from its source: completed steps (late ones flagged), callbacks, open steps
past their due time, overdue records and attachments. Slow action (慢作为) pre-selects the lateness."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from models.attachments import Attachment
from models.audit import AuditEntry
from models.engine import WorkItem
from workflows.calendar import LOCAL_TZ

try:  # the deadline ladder's overdue evidence, when that work is present
    from models.deadlines import OverdueRecord
except ImportError:  # pragma: no cover - depends on a parallel feature
    OverdueRecord = None

CALLBACK_STEPS = {"follow_up"}


@dataclass(frozen=True)
class Evidence:
    key: str
    kind: str  # step | callback | overdue | overdue_record | attachment
    label: str
    slow: bool = False  # evidence of slow action: pre-selected for 慢作为

    def as_dict(self) -> dict:
        return asdict(self)


def _local(moment: datetime | None) -> str:
    return moment.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M") if moment else ""


def _steps(session: Session, family: str, subject_id: int) -> list[Evidence]:
    rows = session.scalars(select(AuditEntry).where(
        AuditEntry.family == family, AuditEntry.subject_id == subject_id, AuditEntry.action == "complete",
    ).order_by(AuditEntry.seq))
    found = []
    for e in rows:
        late = bool((e.details or {}).get("late"))
        kind = "callback" if e.step in CALLBACK_STEPS else "step"
        name = (e.details or {}).get("step_name") or e.step or ""
        label = f"{_local(e.at)} {name}：{e.summary}" + ("（超期办理）" if late else "")
        found.append(Evidence(f"audit:{e.id}", kind, label, slow=late))
    return found


def _overdue_open(session: Session, family: str, subject_id: int, now: datetime) -> list[Evidence]:
    rows = session.scalars(select(WorkItem).where(
        WorkItem.family == family, WorkItem.subject_id == subject_id, WorkItem.due_at < now,
    ).order_by(WorkItem.due_at))
    return [Evidence(f"work:{w.id}", "overdue", f"{w.step_name}：期限 {_local(w.due_at)}，至今未办理", slow=True)
            for w in rows]


def _overdue_records(session: Session, family: str, subject_id: int) -> list[Evidence]:
    if OverdueRecord is None or not inspect(session.connection()).has_table(OverdueRecord.__tablename__):
        return []
    rows = session.scalars(select(OverdueRecord).where(
        OverdueRecord.family == family, OverdueRecord.subject_id == subject_id).order_by(OverdueRecord.due_at))
    return [Evidence(f"overdue:{r.id}", "overdue_record",
                     f"超期记录：{r.step_name or '办理期限'}，期限 {_local(r.due_at)}"
                     + (f"，{_local(r.resolved_at)} 办结" if r.resolved_at else "，仍未办结"), slow=True)
            for r in rows]


def _attachments(session: Session, family: str, subject_id: int) -> list[Evidence]:
    rows = session.scalars(select(Attachment).where(
        Attachment.family == family, Attachment.subject_id == subject_id).order_by(Attachment.id))
    return [Evidence(f"attachment:{a.id}", "attachment", f"附件：{a.original_name}") for a in rows]


def candidates(session: Session, family: str, subject_id: int, now: datetime) -> list[Evidence]:
    found = _steps(session, family, subject_id) + _overdue_open(session, family, subject_id, now)
    return found + _overdue_records(session, family, subject_id) + _attachments(session, family, subject_id)


def prefill(found: list[Evidence], classification: str) -> list[str]:
    """Keys pre-selected for a classification: slow action cites every lateness; others start empty."""
    return [e.key for e in found if e.slow] if classification == "slow" else []
