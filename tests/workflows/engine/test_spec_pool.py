"""Pre-built spec copies: an event subprocess that fires in one instance never leaks into another."""

from __future__ import annotations

from pathlib import Path

from models.engine import ProcessInstance
from tests.factories import NOW
from workflows import engine
from workflows.engine.serialization import POOL

MODEL = engine.parse_folder(Path(__file__).parent / "models")["event_subprocess"]


def _work(snap, step):
    return next(s.task_uuid for s in snap.ready if s.step == step)


def test_an_event_subprocess_fired_in_one_instance_does_not_start_in_the_next(db):
    version = engine.deploy(db, MODEL, NOW)
    first, _ = engine.start(db, version, "test", 1, {}, NOW)
    assert engine.send_message(db, first.id, "withdrawn", {}, NOW) is True
    assert engine.read_snapshot(db, first.id).data.get("withdrawn") is True, "the handler ran in the first"
    POOL.fill()  # the next instance takes a copy made after the first one's spec was mutated
    second, snap = engine.start(db, version, "test", 2, {}, NOW)
    assert [s.step for s in snap.ready] == ["work"] and "withdrawn" not in snap.data
    after = engine.complete_step(db, second.id, _work(snap, "work"), {}, NOW)
    assert [s.step for s in after.ready] == ["check"] and "withdrawn" not in after.data
    done = engine.complete_step(db, second.id, _work(after, "check"), {}, NOW)
    assert done.completed and "withdrawn" not in done.data
    assert db.get(ProcessInstance, second.id).status == "completed"


def test_every_load_gets_its_own_spec_objects():
    one = POOL.take(MODEL.sha256, MODEL.spec_json)
    two = POOL.take(MODEL.sha256, MODEL.spec_json)
    assert one[0] is not two[0] and one[0].task_specs["work"] is not two[0].task_specs["work"]
