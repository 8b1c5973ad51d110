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
from models.org import Squad, User
from models.responsibility import JurisdictionReturn, Reassignment
from workflows import steps
from workflows.engine.trail import trail
from workflows.families import get as get_family


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
        **responsibility_marks(session, family, subject.id),
    }


_BASIS = {"return": "退单改派", "final": "局领导终审改派", "direct": "改派"}


def responsibility_marks(session: Session, family: str, subject_id: int) -> dict:
    """退单 and 改派 on the diagram: they are decisions outside the engine's path, so they are drawn at the step
    where the lead squad is named (`anchor`: the family's 交办 step, or the start event when it has none)."""
    names = dict(session.execute(select(Squad.id, Squad.name)).tuples().all())
    return {"anchor": get_family(family).assign_step,
            "returns": [_return_mark(r, names) for r in session.scalars(select(JurisdictionReturn).where(
                JurisdictionReturn.family == family, JurisdictionReturn.subject_id == subject_id)
                .order_by(JurisdictionReturn.filed_at, JurisdictionReturn.id))],
            "reassignments": [_move_mark(r, names) for r in session.scalars(select(Reassignment).where(
                Reassignment.family == family, Reassignment.subject_id == subject_id, Reassignment.basis != "assign")
                .order_by(Reassignment.at, Reassignment.id))]}


def _return_mark(row: JurisdictionReturn, names: dict[int, str]) -> dict:
    return {"at": _iso(row.filed_at), "squad": names.get(row.squad_id, ""), "reason": row.reason_label,
            "status": row.status, "status_label": row.status_label,
            "to_squad": names.get(row.to_squad_id, "") if row.to_squad_id else ""}


def _move_mark(row: Reassignment, names: dict[int, str]) -> dict:
    return {"at": _iso(row.at), "basis": row.basis, "label": _BASIS[row.basis],
            "from_squad": names.get(row.from_squad_id, "") if row.from_squad_id else "",
            "to_squad": names.get(row.to_squad_id, "")}


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
