"""What every family shares about steps: outcomes, reading submitted values, finding and completing open work."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import NoResultFound
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from models.engine import ProcessInstance, ProcessVersion, WorkItem
from models.org import User
from workflows import audit, engine
from workflows.engine import Snapshot
from workflows.errors import Conflict, InvalidInput


@dataclass
class StepOutcome:
    """What completing a step means: the timeline summary and opinion, engine data, audit details."""

    summary: str
    opinion: str = ""
    engine_data: dict[str, Any] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)


@dataclass
class StepContext:
    """What a family's step handler gets: the session, who acts and when, the (locked) subject and the
    submitted values of the step's form."""

    session: Session
    actor: User
    now: datetime
    subject: Any
    values: dict[str, Any]
    work: Any = None  # the open step (WorkItem) being completed

    def text(self, key: str, label: str, required: bool = True) -> str:
        value = (self.values.get(key) or "").strip()
        if required and not value:
            raise InvalidInput(f"请填写{label}", key)
        return value

    def date(self, key: str, label: str):
        value = self.values.get(key)
        if value is None:
            raise InvalidInput(f"请填写{label}", key)
        return value


def open_work(session: Session, family: str, subject_id: int) -> list[WorkItem]:
    """The subject's open steps (from the work_item projection, never from the workflow)."""
    return list(session.scalars(select(WorkItem).where(WorkItem.family == family, WorkItem.subject_id == subject_id)
                                .order_by(WorkItem.id)))


def find_work(session: Session, family: str, subject_id: int, task_uuid: str) -> WorkItem:
    """The open step behind a submitted form; Conflict when it was completed or cancelled meanwhile."""
    work = session.scalar(select(WorkItem).where(WorkItem.task_uuid == task_uuid))
    if work is None or work.subject_id != subject_id or work.family != family:
        raise Conflict("该环节已办理完毕或已撤销，请刷新页面查看最新状态")
    return work


def find_work_and_lock(session: Session, family: str, subject_id: int,
                       task_uuid: str) -> tuple[WorkItem, tuple[ProcessInstance, str]]:
    """`find_work`, and its process instance locked (after the subject, by the lock order) with its version's
    sha256, in one statement; pass the pair to `run_step(locked=...)`."""
    row = session.execute(
        select(WorkItem, ProcessInstance, ProcessVersion.sha256)
        .join(ProcessInstance, ProcessInstance.id == WorkItem.instance_id)
        .join(ProcessVersion, ProcessVersion.id == ProcessInstance.version_id)
        .where(WorkItem.task_uuid == task_uuid)
        .with_for_update(of=ProcessInstance)
        .execution_options(populate_existing=True)).first()
    if row is None or row[0].subject_id != subject_id or row[0].family != family:
        raise Conflict("该环节已办理完毕或已撤销，请刷新页面查看最新状态")
    return row[0], (row[1], row[2])


LOST_RACE = "该环节已被他人办理，请刷新页面查看最新状态"


def advance(session: Session, *, now: datetime, instance_id: int, work: WorkItem, outcome: StepOutcome,
            locked: tuple[ProcessInstance, str] | None = None, flush: bool = True) -> tuple[ProcessInstance, Snapshot]:
    """Complete the step in the engine (a lost race is a Conflict, never a lost update)."""
    try:
        snapshot = engine.complete_step(session, instance_id, work.task_uuid, outcome.engine_data, now,
                                        locked=locked, flush=flush)
    except (engine.StepConflict, StaleDataError, NoResultFound) as exc:
        raise Conflict(LOST_RACE) from exc
    return snapshot.instance, snapshot


def run_step(session: Session, *, actor: User, now: datetime, instance_id: int, work: WorkItem,
             outcome: StepOutcome) -> tuple[ProcessInstance, Snapshot]:
    """Complete the step in the engine and record it."""
    instance, snapshot = advance(session, now=now, instance_id=instance_id, work=work, outcome=outcome)
    record_completion(session, actor=actor, now=now, work=work, outcome=outcome)
    return instance, snapshot


def record_completion(session: Session, *, actor: User, now: datetime, work: WorkItem, outcome: StepOutcome) -> None:
    audit.record(session, actor=actor, now=now, family=work.family, subject_id=work.subject_id, action="complete",
                 step=work.step, summary=outcome.summary, opinion=outcome.opinion,
                 details={**outcome.details, "step_name": work.step_name, "task_uuid": work.task_uuid,
                          "late": bool(work.due_at and now > work.due_at), "started_at": work.started_at.isoformat(),
                          "due_at": work.due_at.isoformat() if work.due_at else None,
                          "squad_id": work.squad_id, "section_id": work.section_id})
