"""The audit trail is chained per subject, so an altered or removed entry is detected."""

from __future__ import annotations

from models.audit import AuditEntry
from tests.factories import NOW, finish, make_item, open_work
from workflows import audit


def test_chain_is_intact_then_detects_an_edit(db, org):
    item = make_item(db, org)
    finish(db, actor=org.coordinator, now=NOW, item=item,
                             task_uuid=open_work(db, item)[0].task_uuid,
                             values={"lead_squad_id": org.squad_a.id, "instructions": "原始意见"})
    entries = audit.timeline(db, "instructed_item", item.id)
    assert [e.seq for e in entries] == [1, 2]
    assert entries[1].prev_hash == entries[0].hash
    assert audit.verify_chain(entries) is None
    entries[1].opinion = "改过的意见"
    assert audit.verify_chain(entries) == 2


def test_chain_detects_a_removed_entry(db, org):
    item = make_item(db, org)
    for values in ({"lead_squad_id": org.squad_a.id},):
        finish(db, actor=org.coordinator, now=NOW, item=item,
                                 task_uuid=open_work(db, item)[0].task_uuid, values=values)
    audit.record(db, actor=org.coordinator, now=NOW, family="instructed_item", subject_id=item.id,
                 action="note", summary="备注")
    entries = audit.timeline(db, "instructed_item", item.id)
    db.delete(db.get(AuditEntry, entries[1].id))
    db.flush()
    assert audit.verify_chain(audit.timeline(db, "instructed_item", item.id)) == 3


def test_entries_record_who_what_when(db, org):
    item = make_item(db, org)
    entry = audit.timeline(db, "instructed_item", item.id)[0]
    assert (entry.actor_id, entry.action, entry.at) == (org.coordinator.id, "register", NOW)
