"""What a diagram shows of one instance: the elements it passed (how often), the flows it took, where it is now.

Read from the engine's task tree (no lock, nothing saved). Only elements of the top-level process are listed:
a running call activity is "active" on the caller's diagram.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from SpiffWorkflow import TaskState
from sqlalchemy.orm import Session

from models.engine import ProcessInstance, ProcessVersion
from workflows.engine.serialization import load_instance

_PASSED = TaskState.COMPLETED
_ACTIVE = TaskState.READY | TaskState.STARTED


@dataclass
class Trail:
    version_id: int
    process_id: str
    visits: dict[str, int] = field(default_factory=dict)  # BPMN element id -> times completed
    active: list[str] = field(default_factory=list)  # BPMN element ids open now (user tasks, call activities)
    flows: list[tuple[str, str]] = field(default_factory=list)  # (source id, target id) of each flow taken


def _bpmn_id(task) -> str | None:
    return getattr(task.task_spec, "bpmn_id", None)


def _visible_parent(task):
    """The nearest ancestor that is a BPMN element (skips the engine's internal splits and joins)."""
    parent = task.parent
    while parent is not None and _bpmn_id(parent) is None:
        parent = parent.parent
    return parent


def _is_open(task) -> bool:
    """A human step waiting for people, or a call activity / sub-process running."""
    return bool(task.task_spec.manual and task.has_state(TaskState.READY)) or task.has_state(TaskState.STARTED)


def trail_of(workflow, version_id: int) -> Trail:
    visits: Counter[str] = Counter()
    active: list[str] = []
    flows: set[tuple[str, str]] = set()
    for task in workflow.tasks.values():
        element = _bpmn_id(task)
        if element is None or not task.has_state(_PASSED | _ACTIVE):
            continue
        if task.has_state(_PASSED):
            visits[element] += 1
        elif _is_open(task) and element not in active:
            active.append(element)
        parent = _visible_parent(task)
        if parent is not None and parent.has_state(_PASSED):
            flows.add((_bpmn_id(parent), element))
    return Trail(version_id, workflow.spec.name, dict(visits), active, sorted(flows))


def trail(session: Session, instance_id: int) -> Trail:
    instance = session.get(ProcessInstance, instance_id)
    version = session.get(ProcessVersion, instance.version_id)
    return trail_of(load_instance(instance.state, version.spec_json, version.sha256), version.id)
