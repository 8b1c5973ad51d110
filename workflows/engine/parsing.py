"""Parse and validate every BPMN file at start-up; keep each process's spec as JSON."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import CallActivity
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser

from workflows.engine.serialization import SPEC_SERIALIZER


class BpmnError(Exception):
    """A BPMN file cannot be used: carries the file, line and reason."""

    def __init__(self, file_name: str, line: int | None, reason: str):
        super().__init__(f"{file_name}:{line or '?'}: {reason}")
        self.file_name, self.line, self.reason = file_name, line, reason


@dataclass(frozen=True)
class ParsedProcess:
    process_id: str
    sha256: str
    spec_json: str
    bpmn_xml: str
    user_tasks: dict[str, dict]  # spec name -> {"name", "lane", "properties"}
    name: str = ""  # the process's name attribute (shown in the catalogue)

    @property
    def step_names(self) -> dict[str, str]:
        return {step: info["name"] for step, info in self.user_tasks.items()}


def _check_xml(path: Path) -> None:
    try:
        etree.parse(str(path))
    except etree.XMLSyntaxError as exc:
        raise BpmnError(path.name, exc.lineno, str(exc)) from exc


def _user_tasks(spec, subprocess_specs) -> dict[str, dict]:
    tasks = {}
    for process_spec in [spec, *subprocess_specs.values()]:
        for ts in process_spec.task_specs.values():
            if getattr(ts, "manual", False):
                props = (getattr(ts, "extensions", None) or {}).get("properties", {})
                tasks[ts.name] = {"name": ts.bpmn_name or ts.name, "lane": ts.lane, "properties": props}
    return tasks


def _serialize(parser: SpiffBpmnParser, process_id: str) -> tuple[str, dict, str]:
    spec = parser.get_spec(process_id)
    subs = parser.get_subprocess_specs(process_id)
    payload = {
        "spec": SPEC_SERIALIZER.to_dict(spec),
        "subprocess_specs": {name: SPEC_SERIALIZER.to_dict(s) for name, s in subs.items()},
    }
    called = {ts.spec for ps in [spec, *subs.values()] for ts in ps.task_specs.values() if isinstance(ts, CallActivity)}
    own = {name: s for name, s in subs.items() if name not in called}  # a called process's steps are its own
    return json.dumps(payload, sort_keys=True), _user_tasks(spec, own), spec.description or process_id


def parse_folder(folder: str | Path) -> dict[str, ParsedProcess]:
    """Parse every *.bpmn file in the folder together (call activities may cross files)."""
    paths = sorted(Path(folder).glob("*.bpmn"))
    if not paths:
        raise BpmnError(str(folder), None, "no BPMN files found")
    parser = SpiffBpmnParser(validator=VALIDATOR)
    owners: dict[str, Path] = {}
    for path in paths:
        _check_xml(path)
        try:
            parser.add_bpmn_file(str(path))
        except ValidationException as exc:
            raise BpmnError(path.name, exc.line_number, str(exc)) from exc
        for pid in parser.get_process_ids():
            owners.setdefault(pid, path)
    processes = {}
    for pid, path in owners.items():
        try:
            spec_json, user_tasks, name = _serialize(parser, pid)
        except ValidationException as exc:
            raise BpmnError(exc.file_name or path.name, exc.line_number, str(exc)) from exc
        xml = path.read_text(encoding="utf-8")
        digest = hashlib.sha256((pid + "\n" + spec_json).encode()).hexdigest()
        processes[pid] = ParsedProcess(pid, digest, spec_json, xml, user_tasks, name)
    return processes
