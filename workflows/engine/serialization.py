"""Serializers: specs stored once per version; instances stored without their specs."""

from __future__ import annotations

import json
import os
import pickle
import threading
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG


class InstanceConverter(BpmnWorkflowConverter):
    """Leaves out `spec` and `subprocess_specs`: those live in ProcessVersion.spec_json."""

    def to_dict(self, workflow):
        dct = super(BpmnWorkflowConverter, self).to_dict(workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct, spec=None, subprocess_specs=None):
        workflow = self.target_class(spec, subprocess_specs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


SPEC_SERIALIZER = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))
INSTANCE_SERIALIZER = BpmnWorkflowSerializer(
    BpmnWorkflowSerializer.configure({**SPIFF_CONFIG, BpmnWorkflow: InstanceConverter})
)
SERIALIZER_VERSION = INSTANCE_SERIALIZER.VERSION


def build_specs(spec_json: str):
    """Fresh spec objects for one instance: parsed specs are mutated at run time, never share them."""
    dct = json.loads(spec_json)
    spec = SPEC_SERIALIZER.from_dict(dct["spec"])
    subs = {name: SPEC_SERIALIZER.from_dict(s) for name, s in dct["subprocess_specs"].items()}
    return spec, subs


class SpecPool:
    """Pre-built spec copies per version, so that loading an instance does not rebuild its specs.

    SpiffWorkflow mutates a spec when an event subprocess fires, so every instance gets its own copy, used
    once and never returned. A copy is cloned from a pickled template (cheaper than building from JSON); a
    daemon thread refills the pool after each take, so the clone runs between requests, off the hot path.
    An empty pool (a burst, or the first use) clones on the spot.
    """

    def __init__(self, size: int = 3):
        self.size = size
        self._templates: dict[str, bytes] = {}
        self._copies: dict[str, list] = {}
        self._lock = threading.Lock()
        self._wanted = threading.Event()
        self._owner: int | None = None  # the process whose thread fills the pool (gunicorn forks workers)

    def take(self, key: str, spec_json: str):
        template = self._templates.get(key)
        if template is None:
            template = self._templates.setdefault(key, pickle.dumps(build_specs(spec_json), pickle.HIGHEST_PROTOCOL))
        with self._lock:
            copies = self._copies.get(key)
            copy = copies.pop() if copies else None
        self._wake()
        return copy if copy is not None else pickle.loads(template)

    def fill(self) -> int:
        """Bring every version's pool up to size; returns the copies made."""
        made = 0
        for key, template in list(self._templates.items()):
            while len(self._copies.get(key, ())) < self.size:
                copy = pickle.loads(template)
                with self._lock:
                    self._copies.setdefault(key, []).append(copy)
                made += 1
        return made

    def _wake(self) -> None:
        if self._owner != os.getpid():
            self._owner = os.getpid()
            self._copies = {}
            threading.Thread(target=self._run, name="spec-pool", daemon=True).start()
        self._wanted.set()

    def _run(self) -> None:
        while True:
            self._wanted.wait()
            self._wanted.clear()
            self.fill()


POOL = SpecPool()


def dump_instance(workflow: BpmnWorkflow) -> str:
    dct = INSTANCE_SERIALIZER.to_dict(workflow)
    dct[INSTANCE_SERIALIZER.VERSION_KEY] = INSTANCE_SERIALIZER.VERSION
    return json.dumps(dct)


def fresh_specs(key: str, spec_json: str):
    """Spec objects for one instance, from the pool (`key` names the version: its sha256)."""
    return POOL.take(key, spec_json)


def load_instance(state: str, spec_json: str, key: str) -> BpmnWorkflow:
    dct = json.loads(state)
    INSTANCE_SERIALIZER.migrate(dct)
    spec, subs = fresh_specs(key, spec_json)
    return INSTANCE_SERIALIZER.from_dict(dct, spec=spec, subprocess_specs=subs)
