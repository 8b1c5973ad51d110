"""Start, load, advance and save one workflow instance inside the caller's transaction.

Each public function locks the instance row (SELECT ... FOR UPDATE; SQLite runs one writer at a
time), changes the engine state and saves it as one JSON document; the ORM's version column makes
a concurrent save fail instead of silently losing an update.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from uuid import UUID

from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn import BpmnEvent, BpmnWorkflow
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import CallActivity
from SpiffWorkflow.exceptions import SpiffWorkflowException, WorkflowException
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.engine import ProcessInstance, ProcessVersion
from workflows.engine.clock import engine_time
from workflows.engine.expressions import ExpressionError, make_script_engine
from workflows.engine.parsing import ParsedProcess
from workflows.engine.serialization import SERIALIZER_VERSION, dump_instance, fresh_specs, load_instance


class StepConflict(Exception):
    """The step is no longer open: somebody else completed it, or it was cancelled."""


class EngineError(Exception):
    """The engine failed while running the model (a broken expression, a missing variable)."""


@dataclass(frozen=True)
class ReadyStep:
    task_uuid: str
    step: str
    name: str
    lane: str | None
    group: str
    co_squad: int | None = None  # the co-squad part whose branch holds the step (multi-instance item)
    repeated: bool = False  # the same step was completed before in this process (a return: 退回重办)


@dataclass(frozen=True)
class Call:
    """A called process (BPMN call activity) inside the instance: its process id, its declared inputs, whether it
    ended, and the ids of every human task it holds (open or done), so the caller can tell whose steps are whose."""

    process: str
    inputs: dict
    completed: bool
    tasks: frozenset[str]


@dataclass
class Snapshot:
    ready: list[ReadyStep]
    next_timer_at: datetime | None
    completed: bool
    data: dict = field(default_factory=dict)
    instance: ProcessInstance | None = field(default=None, repr=False)  # the saved row (kept, not re-read)
    was_ready: frozenset[str] | None = None  # the open human steps before this change; None: not known here
    calls: list[Call] = field(default_factory=list)  # the call activities' processes, in order of creation
    waiting: list[str] = field(default_factory=list)  # set by the caller: labels of called processes still running


def deploy(session: Session, parsed: ParsedProcess, now: datetime) -> ProcessVersion:
    """The stored version of a parsed process, created once per distinct source (numbered v1, v2, ... per process).
    New subjects start on the newest; running instances keep theirs until an administrator migrates them."""
    version = session.scalar(select(ProcessVersion).where(ProcessVersion.sha256 == parsed.sha256))
    if version is None:
        last = session.scalar(select(func.max(ProcessVersion.number))
                              .where(ProcessVersion.process_id == parsed.process_id))
        version = ProcessVersion(
            process_id=parsed.process_id,
            number=(last or 0) + 1,
            sha256=parsed.sha256,
            spec_json=parsed.spec_json,
            bpmn_xml=parsed.bpmn_xml,
            created_at=now,
        )
        session.add(version)
        session.flush()
    return version


def start(
    session: Session, version: ProcessVersion, family: str, subject_id: int, data: dict, now: datetime
) -> tuple[ProcessInstance, Snapshot]:
    spec, subs = fresh_specs(version.sha256, version.spec_json)
    workflow = BpmnWorkflow(spec, subs, script_engine=make_script_engine())
    workflow.get_next_task(state=TaskState.READY).data.update(data)
    _run(workflow, now=now)
    instance = ProcessInstance(version_id=version.id, family=family, subject_id=subject_id)
    session.add(instance)
    return instance, _save(session, instance, workflow, now, frozenset())


def locked_instance_query(instance_id_column):
    """Columns to add to a caller's locking query (the instance and its version's sha256, FOR UPDATE OF the
    instance), so that finding an open step and locking its instance is one statement; pass the result to
    `complete_step(locked=...)`."""
    return (select(ProcessInstance, ProcessVersion.sha256)
            .join(ProcessVersion, ProcessVersion.id == ProcessInstance.version_id)
            .where(ProcessInstance.id == instance_id_column))


def complete_step(
    session: Session, instance_id: int, task_uuid: str, data: dict, now: datetime, *,
    locked: tuple[ProcessInstance, str] | None = None, flush: bool = True,
) -> Snapshot:
    """Complete a ready human task and run the engine. `locked`: the instance row and version sha256 already
    read under the caller's lock; `flush=False` leaves the instance's UPDATE to the caller's (single) flush."""
    instance, workflow = _lock_and_load(session, instance_id, locked)
    task = _ready_task(workflow, task_uuid)
    task.data.update(data)
    was_ready = _ready_uuids(workflow)
    _run(workflow, now=now, task=task)
    return _save(session, instance, workflow, now, was_ready, flush=flush)


def reset_to(session: Session, instance_id: int, task_uuid: str, now: datetime) -> Snapshot:
    """Take the instance back to a completed human task (撤回): the task is ready again with the data it had,
    and everything that followed it is removed."""
    instance, workflow = _lock_and_load(session, instance_id)
    try:
        task = workflow.get_task_from_id(UUID(task_uuid))
    except (ValueError, SpiffWorkflowException) as exc:
        raise StepConflict("该环节不存在") from exc
    if task.state != TaskState.COMPLETED or not task.task_spec.manual:
        raise StepConflict("该环节不能撤回")
    was_ready = _ready_uuids(workflow)
    try:
        with engine_time(now):
            workflow.reset_from_task_id(task.id)
            workflow.do_engine_steps()
    except (SpiffWorkflowException, ExpressionError) as exc:
        raise EngineError(str(exc)) from exc
    return _save(session, instance, workflow, now, was_ready)


def send_message(session: Session, instance_id: int, name: str, payload: dict, now: datetime) -> bool:
    """Deliver a message to waiting catch events; False when nothing waits for it."""
    instance, workflow = _lock_and_load(session, instance_id)
    definition = _message_definition(workflow, name)
    if definition is None:
        return False
    try:
        with engine_time(now):
            workflow.send_event(BpmnEvent(definition, payload=payload))
    except WorkflowException:
        return False
    _run(workflow, now=now)
    _save(session, instance, workflow, now)
    return True


def fire_timers(session: Session, instance_id: int, now: datetime) -> Snapshot:
    instance, workflow = _lock_and_load(session, instance_id)
    was_ready = _ready_uuids(workflow)
    _run(workflow, now=now)
    return _save(session, instance, workflow, now, was_ready)


def cancel(session: Session, instance_id: int, now: datetime) -> Snapshot:
    instance, workflow = _lock_and_load(session, instance_id)
    was_ready = _ready_uuids(workflow)
    workflow.cancel()
    return _save(session, instance, workflow, now, was_ready)


def read_snapshot(session: Session, instance_id: int) -> Snapshot:
    """A read-only view of an instance (no lock); for tests and admin tools, never for worklists."""
    instance = session.get(ProcessInstance, instance_id)
    version = session.get(ProcessVersion, instance.version_id)
    return _snapshot(load_instance(instance.state, version.spec_json, version.sha256))


_SPEC_JSON: dict[str, str] = {}  # sha256 -> spec JSON; a version's content never changes


def _spec_json(session: Session, sha256: str) -> str:
    if sha256 not in _SPEC_JSON:
        _SPEC_JSON[sha256] = session.scalar(select(ProcessVersion.spec_json).where(ProcessVersion.sha256 == sha256))
    return _SPEC_JSON[sha256]


def _lock_and_load(session: Session, instance_id: int,
                   locked: tuple[ProcessInstance, str] | None = None) -> tuple[ProcessInstance, BpmnWorkflow]:
    """Lock the instance row (PostgreSQL: FOR UPDATE; SQLite: one writer) and build its workflow."""
    if locked is not None and locked[0].id == instance_id:
        instance, sha256 = locked
    else:
        query = (locked_instance_query(instance_id).with_for_update(of=ProcessInstance)
                 .execution_options(populate_existing=True))
        instance, sha256 = session.execute(query).one()
    workflow = load_instance(instance.state, _spec_json(session, sha256), sha256)
    workflow.script_engine = make_script_engine()
    return instance, workflow


def _ready_task(workflow: BpmnWorkflow, task_uuid: str):
    try:
        task = workflow.get_task_from_id(UUID(task_uuid))
    except (ValueError, SpiffWorkflowException) as exc:
        raise StepConflict("该环节不存在或已结束") from exc
    if task.state != TaskState.READY or not task.task_spec.manual:
        raise StepConflict("该环节已被处理")
    return task


def _run(workflow: BpmnWorkflow, *, now: datetime, task=None) -> None:
    """Run the task (if any), then the engine until people are needed; fired timers run too."""
    try:
        with engine_time(now):
            if task is not None:
                task.run()
            workflow.do_engine_steps()
            workflow.refresh_timers()
            workflow.do_engine_steps()
    except (SpiffWorkflowException, ExpressionError) as exc:
        raise EngineError(str(exc)) from exc


def _message_definition(workflow: BpmnWorkflow, name: str):
    for spec in [workflow.spec, *workflow.subprocess_specs.values()]:
        for ts in spec.task_specs.values():
            definition = getattr(ts, "event_definition", None)
            if definition is not None and getattr(definition, "name", None) == name:
                return definition
    return None


def _next_timer(workflow: BpmnWorkflow) -> datetime | None:
    """The earliest armed timer: the scheduler polls instances WHERE next_timer_at <= now."""
    times = []
    for event in workflow.waiting_events():
        value = event.value.get("next") if isinstance(event.value, dict) else event.value
        if "Time" in (event.event_type or "") and isinstance(value, str):
            times.append(datetime.fromisoformat(value).astimezone(UTC))
    return min(times) if times else None


def _ready_uuids(workflow: BpmnWorkflow) -> frozenset[str]:
    return frozenset(str(task.id) for task in workflow.get_tasks(state=TaskState.READY, manual=True))


def _snapshot(workflow: BpmnWorkflow) -> Snapshot:
    ready = []
    done = {(task.task_spec.name, task.data.get("co_squad"))
            for task in workflow.get_tasks(state=TaskState.COMPLETED, manual=True)}
    for task in workflow.get_tasks(state=TaskState.READY, manual=True):
        props = (task.task_spec.extensions or {}).get("properties", {})
        ready.append(
            ReadyStep(
                task_uuid=str(task.id),
                step=task.task_spec.name,
                name=task.task_spec.bpmn_name or task.task_spec.name,
                lane=task.task_spec.lane,
                group=props.get("step_group", ""),
                co_squad=task.data.get("co_squad"),
                repeated=(task.task_spec.name, task.data.get("co_squad")) in done,
            )
        )
    data = dict(workflow.last_task.data) if workflow.last_task else {}
    return Snapshot(ready, _next_timer(workflow), workflow.is_completed(), data, calls=_calls(workflow))


def _calls(workflow: BpmnWorkflow) -> list[Call]:
    calls = []
    for parent_id, sub in workflow.subprocesses.items():
        caller = workflow.get_task_from_id(parent_id)
        if not isinstance(caller.task_spec, CallActivity):
            continue  # embedded and event subprocesses belong to their process
        io = sub.spec.io_specification
        names = [var.bpmn_id for var in io.data_inputs] if io is not None else []
        calls.append(Call(process=sub.spec.name, inputs={n: caller.data.get(n) for n in names},
                          completed=sub.completed,
                          tasks=frozenset(str(t.id) for t in sub.get_tasks(manual=True))))
    return calls


def _save(session: Session, instance: ProcessInstance, workflow: BpmnWorkflow, now: datetime,
          was_ready: frozenset[str] | None = None, *, flush: bool = True) -> Snapshot:
    snap = _snapshot(workflow)
    snap.was_ready = was_ready
    instance.state = dump_instance(workflow)
    instance.serializer_version = SERIALIZER_VERSION
    instance.status = "completed" if snap.completed else "running"
    instance.next_timer_at = None if snap.completed else snap.next_timer_at
    instance.updated_at = now
    if flush or instance.id is None:
        session.flush()
    snap.instance = instance
    return snap
