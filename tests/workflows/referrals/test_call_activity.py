"""The referral process is reusable as a call activity: only `referral_id` goes in, only `outcome` comes out."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import config
from tests.factories import NOW
from workflows import engine

CALLER = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="defs_caller"
    targetNamespace="http://duban.local/bpmn/test">
  <bpmn:process id="caller" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:callActivity id="referral" name="追责移送" calledElement="accountability_referral">
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
    </bpmn:callActivity>
    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="referral" />
    <bpmn:sequenceFlow id="f2" sourceRef="referral" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>
"""


@pytest.fixture
def caller(tmp_path: Path):
    shutil.copy(Path(config.Config.BPMN_FOLDER) / "accountability_referral.bpmn", tmp_path)
    (tmp_path / "caller.bpmn").write_text(CALLER, encoding="utf-8")
    return engine.parse_folder(tmp_path)["caller"]


def _complete(db, instance, name, data):
    snap = engine.read_snapshot(db, instance.id)
    step = next(s for s in snap.ready if s.step == name)
    return engine.complete_step(db, instance.id, step.task_uuid, data, NOW)


def test_called_with_return_then_outcome(db, caller):
    version = engine.deploy(db, caller, NOW)
    instance, snap = engine.start(db, version, "test_caller", 1, {"referral_id": 5, "secret": "caller only"}, NOW)
    db.flush()
    assert [(s.step, s.lane, s.group) for s in snap.ready] == [("accept", "责任科室", "section")]
    _complete(db, instance, "accept", {"accept_decision": "return"})
    _complete(db, instance, "supplement", {})
    _complete(db, instance, "accept", {"accept_decision": "accept"})
    _complete(db, instance, "investigate", {})
    snap = _complete(db, instance, "record_outcome", {"outcome": "talk", "scratch": 1})
    assert snap.completed
    assert snap.data["outcome"] == "talk" and snap.data["secret"] == "caller only"
    assert "scratch" not in snap.data and "accept_decision" not in snap.data, "only the declared output comes back"


def test_a_caller_without_the_input_fails(db, caller):
    version = engine.deploy(db, caller, NOW)
    with pytest.raises(engine.EngineError, match="Data Input"):
        engine.start(db, version, "test_caller", 2, {"other": 1}, NOW)
