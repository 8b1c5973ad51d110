"""The engine wrapper: parsing and validation, versions, restricted expressions, timers, messages."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

import pytest

import config
from models.engine import ProcessInstance
from tests.factories import NOW, make_item
from webapp import create_app
from workflows import engine
from workflows.engine.expressions import ExpressionError, RestrictedEnvironment

BPMN = Path(config.Config.BPMN_FOLDER)
LANES = {"协调科": "coordination", "街镇中队": "squad", "局领导": "leader"}


def test_every_user_task_sits_in_a_known_lane_with_a_matching_group():
    parsed = engine.parse_folder(BPMN)["instructed_item"]
    assert set(parsed.user_tasks) == {"assign", "accept", "investigate", "draft_reply", "review", "leader_signoff",
                                      "send_reply", "follow_up", "rectify", "joint_study",
                                      "co_accept", "co_assist", "co_feedback"}  # the co-squads' branch
    for name, task in parsed.user_tasks.items():
        if task["lane"] in LANES:
            assert task["properties"]["step_group"] == LANES[task["lane"]], name


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "bpmn"
    shutil.copytree(BPMN, folder)
    return folder


def test_malformed_xml_names_file_and_line(tmp_path):
    folder = _copy(tmp_path)
    text = (folder / "instructed_item.bpmn").read_text(encoding="utf-8")
    (folder / "instructed_item.bpmn").write_text(text.replace("</bpmn:userTask>", "</bpmn:task>", 1), "utf-8")
    with pytest.raises(engine.BpmnError) as err:
        engine.parse_folder(folder)
    assert err.value.file_name == "instructed_item.bpmn" and err.value.line and "mismatch" in err.value.reason


def test_unknown_element_fails_xsd_validation(tmp_path):
    folder = _copy(tmp_path)
    text = (folder / "instructed_item.bpmn").read_text(encoding="utf-8")
    bogus = text.replace("<bpmn:documentation>", "<bpmn:bogus/><bpmn:documentation>", 1)
    (folder / "instructed_item.bpmn").write_text(bogus, "utf-8")
    with pytest.raises(engine.BpmnError) as err:
        engine.parse_folder(folder)
    assert "bogus" in str(err.value)


def test_start_up_is_refused_with_a_broken_model(tmp_path):
    folder = _copy(tmp_path)
    (folder / "broken.bpmn").write_text("<definitions><oops></definitions>", "utf-8")
    with pytest.raises(engine.BpmnError) as err:
        create_app(config.TestConfig, BPMN_FOLDER=str(folder))
    assert err.value.file_name == "broken.bpmn"
    assert "instructed_item" in engine.processes(), "the loaded models stay in place"


def test_restricted_expressions_refuse_imports_and_dunders():
    env = RestrictedEnvironment({})
    assert env.evaluate("a + 1", {"a": 1}) == 2
    with pytest.raises(Exception, match="import"):
        env.evaluate("__import__('os').getcwd()", {})
    with pytest.raises(ExpressionError):
        env.evaluate("().__class__.__base__.__subclasses__()", {})
    with pytest.raises(NameError):
        env.evaluate("open('/etc/hostname').read()", {})


def test_instance_keeps_its_version_when_the_model_changes(db, org, tmp_path):
    item = make_item(db, org)
    instance = db.get(ProcessInstance, item.instance_id)
    first_version = instance.version_id
    folder = _copy(tmp_path)
    path = folder / "instructed_item.bpmn"
    path.write_text(path.read_text(encoding="utf-8").replace('name="交办"', 'name="交办派单"'), "utf-8")
    changed = engine.parse_folder(folder)["instructed_item"]
    new_version = engine.deploy(db, changed, NOW)
    assert new_version.id != first_version
    assert engine.deploy(db, changed, NOW).id == new_version.id, "same source, same version row"
    snap = engine.read_snapshot(db, instance.id)
    assert [s.name for s in snap.ready if s.step == "assign"] == ["交办"]


TIMED = engine.parse_folder(Path(__file__).parent / "models")["timed_step"]


def _timed(db, deadline):
    version = engine.deploy(db, TIMED, NOW)
    return engine.start(db, version, "test", 1, {"deadline_at": deadline.isoformat()}, NOW)


def test_timer_projection_and_a_message_rearm_the_deadline(db):
    deadline = NOW + timedelta(days=3)
    instance, snap = _timed(db, deadline)
    assert [s.step for s in snap.ready] == ["work"] and instance.next_timer_at == deadline
    later = deadline + timedelta(days=5)
    assert engine.send_message(db, instance.id, "deadline_moved", {"deadline_at": later.isoformat()}, NOW) is True
    db.refresh(instance)
    assert instance.next_timer_at == later, "an armed timer keeps its time: re-entering the step re-arms it"
    assert engine.send_message(db, instance.id, "no_such_message", {}, NOW) is False


def test_firing_timers_uses_the_callers_time(db):
    deadline = NOW + timedelta(days=3)
    instance, _ = _timed(db, deadline)
    before = engine.fire_timers(db, instance.id, deadline - timedelta(minutes=1))
    assert [s.step for s in before.ready] == ["work"]
    after = engine.fire_timers(db, instance.id, deadline + timedelta(minutes=1))
    assert [s.step for s in after.ready] == ["escalate"] and after.next_timer_at is None
    assert instance.lock_version >= 3


def test_a_completed_step_is_taken_back_with_its_data(db, org):
    item = make_item(db, org)
    snap = engine.read_snapshot(db, item.instance_id)
    assign = snap.ready[0].task_uuid
    after = engine.complete_step(db, item.instance_id, assign, {"chosen": 1}, NOW)
    assert [s.step for s in after.ready] == ["accept"]
    back = engine.reset_to(db, item.instance_id, assign, NOW)
    assert [(s.step, s.task_uuid) for s in back.ready] == [("assign", assign)], "the same task is ready again"
    with pytest.raises(engine.StepConflict):
        engine.reset_to(db, item.instance_id, assign, NOW)


def test_completing_a_step_that_is_not_ready_is_a_conflict(db, org):
    item = make_item(db, org)
    with pytest.raises(engine.StepConflict):
        engine.complete_step(db, item.instance_id, "00000000-0000-0000-0000-000000000000", {}, NOW)
    with pytest.raises(engine.StepConflict):
        engine.complete_step(db, item.instance_id, "not-a-uuid", {}, NOW)
