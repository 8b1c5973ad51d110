"""Serializers: specs stored once per version; instances stored without their specs."""

from __future__ import annotations

import json
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


def dump_instance(workflow: BpmnWorkflow) -> str:
    dct = INSTANCE_SERIALIZER.to_dict(workflow)
    dct[INSTANCE_SERIALIZER.VERSION_KEY] = INSTANCE_SERIALIZER.VERSION
    return json.dumps(dct)


def load_instance(state: str, spec_json: str) -> BpmnWorkflow:
    dct = json.loads(state)
    INSTANCE_SERIALIZER.migrate(dct)
    spec, subs = build_specs(spec_json)
    return INSTANCE_SERIALIZER.from_dict(dct, spec=spec, subprocess_specs=subs)
