"""What a process diagram marks: for one subject, the path it took and where it is now (who holds each open step,
its due time, whether it is overdue, which steps were completed late); for a process version, how many open
subjects sit at each step (the catalogue's heat map)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.audit import AuditEntry
from models.engine import ProcessInstance, WorkItem
from models.org import User
from workflows import steps
from workflows.engine.trail import trail


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def subject_marks(session: Session, family: str, subject: Any, now: datetime) -> dict:
    """The marks of one subject's diagram (the caller has checked that the user may see the subject)."""
    found = trail(session, subject.instance_id)
    work = steps.open_work(session, family, subject.id)
    holders = dict(session.execute(select(User.id, User.name).where(
        User.id.in_({w.assignee_id for w in work if w.assignee_id}))).tuples().all())
    late = _late_steps(session, family, subject.id)
    current = [{"step": w.step, "name": w.step_name, "holder": holders.get(w.assignee_id, ""),
                "due_at": _iso(w.due_at), "overdue": bool(w.due_at and w.due_at < now)} for w in work]
    open_steps = {c["step"] for c in current}
    return {
        "version_id": found.version_id, "process_id": found.process_id,
        "visits": found.visits, "flows": [list(f) for f in found.flows],
        # a running call activity or sub-process is open on the caller's diagram too
        "active": [a for a in found.active if a not in open_steps], "current": current, "late": sorted(late),
    }


def _late_steps(session: Session, family: str, subject_id: int) -> set[str]:
    rows = session.execute(select(AuditEntry.step, AuditEntry.details).where(
        AuditEntry.family == family, AuditEntry.subject_id == subject_id, AuditEntry.action == "complete"))
    return {step for step, details in rows if step and (details or {}).get("late")}


def heat(session: Session, version_id: int) -> dict[str, int]:
    """Open steps per BPMN step id among the version's running instances."""
    rows = session.execute(
        select(WorkItem.step, func.count(WorkItem.id))
        .join(ProcessInstance, ProcessInstance.id == WorkItem.instance_id)
        .where(ProcessInstance.version_id == version_id).group_by(WorkItem.step))
    return dict(rows.tuples().all())
