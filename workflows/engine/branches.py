"""Branches of a parallel multi-instance activity (one per co-squad, 协办) in a running instance.

SpiffWorkflow 3.2 binds the collection once, when the activity starts (see docs/MULTI_INSTANCE.md): later changes
to the input list do not create branches by themselves. `add_branch` appends the item and asks the activity to
create the child, exactly as it does at start (reopening a finished activity whose join still waits);
`close_branch` completes a branch's open steps with the given data, so the activity can finish when a co-squad
is removed or its missing contribution is recorded.
"""

from __future__ import annotations

from datetime import datetime

from SpiffWorkflow import TaskState
from SpiffWorkflow.exceptions import SpiffWorkflowException
from sqlalchemy.orm import Session

from workflows.engine.clock import engine_time
from workflows.engine.expressions import ExpressionError
from workflows.engine.runtime import EngineError, Snapshot, StepConflict, _lock_and_load, _run, _save

ITEM = "co_squad"  # the input data item of the co-squad activity: a CoSquadPart id
MAX_STEPS = 20


def _activity(workflow, activity: str):
    """The running activity; also a finished one whose outgoing flow has not moved on yet (its join still waits
    for the other path), which is taken back to running so that a new branch can join it."""
    for task in reversed(workflow.get_tasks(spec_name=activity)):
        if not hasattr(task.task_spec, "create_child"):
            continue
        if task.state == TaskState.STARTED:
            return task
        onward = [c for c in task.children if c.task_spec.name != task.task_spec.task_spec]
        if task.state == TaskState.COMPLETED and not any(c.has_state(TaskState.FINISHED_MASK) for c in onward):
            task._set_state(TaskState.STARTED)
            return task
    return None


def add_branch(session: Session, instance_id: int, activity: str, item: int, now: datetime) -> Snapshot:
    """A new branch for `item` in the running activity; the other branches are not touched."""
    instance, workflow = _lock_and_load(session, instance_id)
    task = _activity(workflow, activity)
    if task is None:
        raise StepConflict("该环节不在办理中")
    spec = task.task_spec
    collection = spec.data_input.get(task)
    if item in collection:
        raise StepConflict("该协办已在办理中")
    collection.append(item)
    try:
        with engine_time(now):
            spec.create_child(task, item, len(collection) - 1)
    except (SpiffWorkflowException, ExpressionError) as exc:
        raise EngineError(str(exc)) from exc
    _run(workflow, now=now)
    return _save(session, instance, workflow, now)


def close_branch(session: Session, instance_id: int, item: int, data: dict, now: datetime) -> Snapshot:
    """Complete every open step of the branch of `item` with `data` (a removed or missing co-squad)."""
    instance, workflow = _lock_and_load(session, instance_id)
    for _ in range(MAX_STEPS):
        open_steps = [t for t in workflow.get_tasks(state=TaskState.READY, manual=True) if t.data.get(ITEM) == item]
        if not open_steps:
            break
        open_steps[0].data.update(data)
        _run(workflow, now=now, task=open_steps[0])
    return _save(session, instance, workflow, now)
