"""Moving a running instance to another version of its process (SpiffWorkflow's spec diff and migration).

A step mapping says which step of the source version continues as which step of the target (same ids by default).
An instance can move when every step it has passed or sits at exists in the target (directly or mapped), any
running call activity's process exists there too, and the target's declared inputs are in the instance's data.
Open steps keep their task ids (their branch is re-predicted on the target), so the work projection survives.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn.util.diff import diff_workflow, migrate_workflow
from sqlalchemy.orm import Session

from models.engine import ProcessVersion
from workflows.engine.runtime import Snapshot, _lock_and_load, _run, _save
from workflows.engine.serialization import SPEC_SERIALIZER, build_specs, load_instance

_KEPT = TaskState.COMPLETED | TaskState.STARTED | TaskState.READY | TaskState.WAITING | TaskState.ERROR


@dataclass
class MigrationCheck:
    can_move: bool
    reasons: list[str] = field(default_factory=list)  # why not, in Chinese, one per blocker
    moves: dict[str, str] = field(default_factory=dict)  # open step -> its step in the target


def _label(spec) -> str:
    return spec.bpmn_name or spec.name


def _align(top, spec, mapping: dict[str, str]) -> None:
    """Only the same id, or the administrator's mapping, says which step continues as which: SpiffWorkflow's
    structural guesses for renamed ids are not followed silently."""
    for task, aligned in list(top.alignment.items()):
        name = task.task_spec.name
        if aligned is None or aligned.name != mapping.get(name, name):
            top.alignment.pop(task)
            if task not in top.removed:
                top.removed.append(task)
    for task in list(top.removed):
        target = mapping.get(task.task_spec.name)
        if target and target in spec.task_specs:
            top.removed.remove(task)
            top.alignment[task] = spec.task_specs[target]


def _step_blockers(top) -> list[str]:
    reasons = []
    for task in top.removed:
        if task.has_state(_KEPT) and getattr(task.task_spec, "bpmn_id", None):
            where = "当前环节" if task.has_state(TaskState.READY | TaskState.STARTED) else "已办环节"
            reasons.append(f"{where}“{_label(task.task_spec)}”（{task.task_spec.name}）在目标版本中不存在，且未指定对应环节")
    return reasons


def _subprocess_blockers(workflow, sub_diffs) -> list[str]:
    reasons = []
    for sp_id, diff in sub_diffs.items():
        called = workflow.subprocesses[sp_id].spec.name
        if diff is None:
            reasons.append(f"正在办理的子流程“{called}”在目标版本中不存在")
        elif [t for t in diff.removed if t.has_state(_KEPT)]:
            reasons.append(f"正在办理的子流程“{called}”的环节在目标版本中不存在")
    return reasons


def _data_blockers(workflow, spec) -> list[str]:
    data = dict(workflow.last_task.data) if workflow.last_task else {}
    io = getattr(spec, "io_specification", None)
    return [f"目标版本需要数据“{item.bpmn_name or item.bpmn_id}”，本实例没有"
            for item in (io.data_inputs if io else []) if item.bpmn_id not in data]


def _prepare(workflow, target_json: str, mapping: dict[str, str]):
    """The diffs of the instance against the target, with the mapping applied; and the blockers found."""
    spec, subs = build_specs(target_json)
    top, sub_diffs = diff_workflow(SPEC_SERIALIZER.registry, workflow, spec, subs)
    reasons = [f"对应环节“{new}”在目标版本中不存在" for new in mapping.values() if new not in spec.task_specs]
    _align(top, spec, mapping)
    reasons += _step_blockers(top) + _subprocess_blockers(workflow, sub_diffs) + _data_blockers(workflow, spec)
    return spec, subs, top, sub_diffs, sorted(set(reasons))


def _moves(workflow, top) -> dict[str, str]:
    return {t.task_spec.name: top.alignment[t].name for t in workflow.get_tasks(state=TaskState.READY, manual=True)
            if top.alignment.get(t) is not None}


def check(session: Session, instance, target: ProcessVersion, mapping: dict[str, str]) -> MigrationCheck:
    """Dry run: could this instance move to the target version, and if not, why (nothing is changed)."""
    source = session.get(ProcessVersion, instance.version_id)
    if instance.status != "running":
        return MigrationCheck(False, ["实例已结束"])
    if source.process_id != target.process_id:
        return MigrationCheck(False, ["目标版本属于另一个流程"])
    if source.id == target.id:
        return MigrationCheck(False, ["已在目标版本"])
    workflow = load_instance(instance.state, source.spec_json, source.sha256)
    _, _, top, _, reasons = _prepare(workflow, target.spec_json, mapping)
    return MigrationCheck(not reasons, reasons, _moves(workflow, top))


class MigrationRefused(Exception):
    def __init__(self, reasons: list[str]):
        super().__init__("；".join(reasons))
        self.reasons = reasons


def migrate(session: Session, instance_id: int, target: ProcessVersion, mapping: dict[str, str], now
            ) -> tuple[str, int, Snapshot]:
    """Move the (locked) instance to the target version; returns its previous state and version id (for undo)
    and the new snapshot. Raises MigrationRefused with the dry run's reasons."""
    instance, workflow = _lock_and_load(session, instance_id)
    old_state, old_version = instance.state, instance.version_id
    if instance.status != "running" or old_version == target.id:
        raise MigrationRefused(["实例已结束" if instance.status != "running" else "已在目标版本"])
    spec, subs, top, sub_diffs, reasons = _prepare(workflow, target.spec_json, mapping)
    if reasons:
        raise MigrationRefused(reasons)
    migrate_workflow(top, workflow, spec)
    for sp_id, sub in workflow.subprocesses.items():
        migrate_workflow(sub_diffs[sp_id], sub, subs.get(sub.spec.name))
    workflow.subprocess_specs = subs
    _run(workflow, now=now)
    instance.version_id = target.id
    return old_state, old_version, _save(session, instance, workflow, now)


def restore(session: Session, instance_id: int, state: str, version_id: int, now) -> Snapshot:
    """Put back the state and version an instance had before a migration (undo)."""
    instance, _ = _lock_and_load(session, instance_id)
    version = session.get(ProcessVersion, version_id)
    workflow = load_instance(state, version.spec_json, version.sha256)
    instance.version_id = version_id
    return _save(session, instance, workflow, now)
