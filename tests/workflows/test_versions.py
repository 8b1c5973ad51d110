"""Process versions and moving running instances between them: an item sitting at every step of the
instructed-item process moves to a changed version, goes on there, and a move can be undone from its audit entry."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from models.audit import AuditEntry
from models.engine import ProcessInstance, ProcessVersion
from models.items import ItemKind
from tests.factories import NOW, make_item, open_work
from tests.workflows.items.test_lifecycle import do
from workflows import engine, versions
from workflows.errors import Conflict, PermissionDenied

BPMN = Path(__file__).resolve().parents[2] / "bpmn"

# How to bring an item of kind 1 (with study and leader sign-off) to each step of the process.
ROUTE = ["joint_study", "assign", "accept", "investigate", "draft_reply", "review", "leader_signoff", "send_reply",
         "follow_up", "rectify"]
VALUES = {"assign": {"lead_squad_id": None}, "review": {"decision": "approve"},
          "leader_signoff": {"decision": "approve"},
          "follow_up": {"method": "callback", "satisfaction": "unsatisfied", "solved": False, "notes": "仍有反弹"}}


def _changed(tmp_path: Path, old: str, new: str) -> engine.ParsedProcess:
    folder = tmp_path / "bpmn"
    shutil.copytree(BPMN, folder)
    path = folder / "instructed_item.bpmn"
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), "utf-8")
    return engine.parse_folder(folder)["instructed_item"]


def _item_at(db, org, step):
    item = make_item(db, org, kind=ItemKind.CITY_LEADER, needs_study=True)
    for passed in ROUTE[:ROUTE.index(step)]:
        values = dict(VALUES.get(passed, {}))
        if passed == "assign":
            values["lead_squad_id"] = org.squad_a.id
        do(db, org, item, passed, actor=org.a_member if passed in ("accept", "rectify") else None, **values)
    assert [w.step for w in open_work(db, item)] == [step]
    return item


@pytest.mark.parametrize("step", ROUTE)
def test_an_item_at_each_step_moves_to_the_new_version_and_goes_on(db, org, tmp_path, step):
    item = _item_at(db, org, step)
    source_id = db.get(ProcessInstance, item.instance_id).version_id
    target = engine.deploy(db, _changed(tmp_path, 'name="审核"', 'name="审核把关"'), NOW)
    source = db.get(ProcessVersion, source_id)
    assert target.number == source.number + 1 and target.process_id == "instructed_item"
    before = open_work(db, item)[0]
    (candidate,) = [c for c in versions.dry_run(db, actor=org.admin, source=source, target=target, mapping={})
                    if c.instance.id == item.instance_id]
    assert candidate.check.can_move and candidate.check.moves == {step: step}
    versions.migrate_one(db, actor=org.admin, now=NOW, instance_id=item.instance_id, target=target, mapping={})
    assert db.get(ProcessInstance, item.instance_id).version_id == target.id
    (after,) = open_work(db, item)
    assert (after.id, after.task_uuid, after.assignee_id) == (before.id, before.task_uuid, before.assignee_id), \
        "the open step keeps its row, holder and clock"
    # it goes on, on the new version: the renamed review step shows its new name
    rest = ["rectify", "follow_up"] if step == "rectify" else ROUTE[ROUTE.index(step):ROUTE.index("follow_up") + 1]
    for nxt in rest:
        if nxt == "review":
            assert open_work(db, item)[0].step_name == "审核把关" or step == "review"
        values = dict(VALUES.get(nxt, {}))
        if nxt == "assign":
            values["lead_squad_id"] = org.squad_a.id
        if nxt == "follow_up":
            values = {"method": "callback", "satisfaction": "satisfied", "solved": True}
        do(db, org, item, nxt, actor=org.a_member if nxt in ("accept", "rectify") else None, **values)
    assert item.status == "closed"


def test_a_step_missing_in_the_target_blocks_until_mapped_and_the_move_is_undone(db, org, tmp_path):
    at_rectify = _item_at(db, org, "rectify")
    at_assign = _item_at(db, org, "assign")
    source = db.get(ProcessVersion, db.get(ProcessInstance, at_rectify.instance_id).version_id)
    target = engine.deploy(db, _changed(tmp_path, '"rectify"', '"rectify_again"'), NOW)
    checks = {c.instance.id: c.check for c in versions.dry_run(db, actor=org.admin, source=source, target=target,
                                                                mapping={})}
    assert checks[at_assign.instance_id].can_move, "an item before the changed step can move"
    blocked = checks[at_rectify.instance_id]
    assert not blocked.can_move and "当前环节“整改”（rectify）在目标版本中不存在" in blocked.reasons[0]
    with pytest.raises(Conflict):
        versions.migrate_one(db, actor=org.admin, now=NOW, instance_id=at_rectify.instance_id, target=target,
                             mapping={})
    mapping = {"rectify": "rectify_again"}
    record = versions.migrate_one(db, actor=org.admin, now=NOW, instance_id=at_rectify.instance_id, target=target,
                                  mapping=mapping)
    assert [w.step for w in open_work(db, at_rectify)] == ["rectify_again"]
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == versions.ACTION_MIGRATE,
                                               AuditEntry.subject_id == at_rectify.id))
    assert entry.details["migration_id"] == record.id and entry.details["mapping"] == mapping
    versions.undo(db, actor=org.admin, now=NOW, entry_id=entry.id)
    assert db.get(ProcessInstance, at_rectify.instance_id).version_id == source.id
    assert [w.step for w in open_work(db, at_rectify)] == ["rectify"]
    with pytest.raises(Conflict):
        versions.undo(db, actor=org.admin, now=NOW, entry_id=entry.id)
    do(db, org, at_rectify, "rectify", actor=org.a_member)
    assert [w.step for w in open_work(db, at_rectify)] == ["follow_up"], "back on the old version, it goes on"


def test_an_instance_that_moved_on_cannot_be_undone(db, org, tmp_path):
    item = _item_at(db, org, "accept")
    target = engine.deploy(db, _changed(tmp_path, 'name="审核"', 'name="审核把关"'), NOW)
    versions.migrate_one(db, actor=org.admin, now=NOW, instance_id=item.instance_id, target=target, mapping={})
    do(db, org, item, "accept", actor=org.a_member)
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == versions.ACTION_MIGRATE,
                                               AuditEntry.subject_id == item.id))
    with pytest.raises(Conflict, match="继续办理"):
        versions.undo(db, actor=org.admin, now=NOW, entry_id=entry.id)


def test_only_the_system_administrator_migrates(db, org, tmp_path):
    item = _item_at(db, org, "assign")
    target = engine.deploy(db, _changed(tmp_path, 'name="审核"', 'name="审核把关"'), NOW)
    with pytest.raises(PermissionDenied):
        versions.migrate_one(db, actor=org.coordinator, now=NOW, instance_id=item.instance_id, target=target,
                             mapping={})
