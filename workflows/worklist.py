"""Keep the work_item projection in step with the engine's open human steps."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from models.engine import ProcessInstance, WorkItem
from workflows.deadlines import hooks
from workflows.engine import ReadyStep, Snapshot


@dataclass(frozen=True)
class Placement:
    """Where an open step sits: its unit, its holder (None = the unit's unclaimed work) and its due time."""

    squad_id: int | None = None
    section_id: int | None = None
    assignee_id: int | None = None
    due_at: datetime | None = None
    due_provisional: bool = False


def sync(
    session: Session,
    instance: ProcessInstance,
    snapshot: Snapshot,
    place: Callable[[ReadyStep], Placement],
    now: datetime,
    label: tuple[str, str],
    opened_by: str | None = None,
    subject: Any = None,
    fam: Any = None,
) -> list[WorkItem]:
    """Update the projection by the difference the engine reports (no re-read): delete rows of steps that closed,
    add rows for steps that opened (by the completion of `opened_by`, when a step's completion opened them), with
    their alert moment set before the insert. `fam` and `subject` own the steps (by default the instance's own
    family and subject; a called process's steps belong to the called family's subject). Returns the new rows
    (added to the session, not yet flushed)."""
    ready = {step.task_uuid: step for step in snapshot.ready}
    owner = (fam.name, subject.id) if fam is not None and subject is not None else (instance.family,
                                                                                    instance.subject_id)
    before = snapshot.was_ready
    if before is None:  # an engine call that does not report the difference: read the projection
        before = frozenset(session.scalars(select(WorkItem.task_uuid).where(
            WorkItem.instance_id == instance.id, WorkItem.family == owner[0], WorkItem.subject_id == owner[1])))
    gone = before - ready.keys()
    if gone:
        table = WorkItem.__table__  # Core: cheaper than the ORM's bulk path; the rows are gone from here on
        closed = session.execute(delete(table).where(table.c.task_uuid.in_(gone))
                                 .returning(table.c.task_uuid, table.c.overdue_seen)).all()
        hooks.work_closed(session, instance, closed, snapshot.completed, now, subject=subject, fam=fam)
    added = []
    for uuid, step in ready.items():
        if uuid not in before:
            row = _row(instance, owner, step, place(step), now, label)
            row.opened_by_task = opened_by
            added.append((row, step))
    hooks.work_added(session, instance, added, now, subject=subject, fam=fam)
    session.add_all(row for row, _ in added)
    return [row for row, _ in added]


def _row(instance: ProcessInstance, owner: tuple[str, int], step: ReadyStep, where: Placement, now: datetime,
         label: tuple[str, str]) -> WorkItem:
    return WorkItem(
        instance_id=instance.id, task_uuid=step.task_uuid, family=owner[0], subject_id=owner[1],
        subject_number=label[0], subject_title=label[1][:200], step=step.step, step_name=step.name,
        step_group=step.group, squad_id=where.squad_id, section_id=where.section_id, assignee_id=where.assignee_id,
        started_at=now, due_at=where.due_at, due_provisional=where.due_provisional,
    )
