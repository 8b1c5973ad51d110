"""Petitioners' phone and ID numbers at rest: encrypted, matched by blind index, rotated with a key id per value."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, text

import config
from models import pii
from models.audit import AuditEntry
from models.petitions import ImportJob, Petition
from tests.factories import NOW, make_petition
from workflows.errors import NotFound, PermissionDenied
from workflows.petitions import detection, personal

PHONE, ID_NO = "13800135678", "310105199001011234"
OLD, NEW = "old-pii-key-" + "1" * 32, "new-pii-key-" + "2" * 32


@pytest.fixture
def ring():
    """Tests that change the key ring put the suite's key back."""
    yield pii
    pii.configure(config.TestConfig.PII_KEY)


def _raw(db, petition_id: int):
    return db.execute(text("SELECT petitioner_phone, petitioner_id_no, phone_index, id_index FROM petition "
                           "WHERE id = :id"), {"id": petition_id}).one()


def test_phone_and_id_are_stored_encrypted_and_read_in_clear(db, org):
    petition = make_petition(db, org, petitioner_phone=PHONE, petitioner_id_no=ID_NO)
    db.flush()
    raw = _raw(db, petition.id)
    stored = " ".join(raw)
    assert raw.petitioner_phone.startswith(f"e1:{pii.current_kid()}:a:") and pii.is_encrypted(raw.petitioner_id_no)
    assert "5678" not in stored and "1234" not in stored and "13800135678" not in stored
    assert len(raw.phone_index) == 32 and raw.phone_index != raw.id_index
    db.expire_all()
    again = db.get(Petition, petition.id)
    assert (again.petitioner_phone, again.petitioner_id_no) == (PHONE, ID_NO)


def test_a_value_moved_to_another_column_or_altered_does_not_decrypt(db, org):
    petition = make_petition(db, org)
    db.flush()
    raw = _raw(db, petition.id)
    with pytest.raises(pii.PiiKeyError):
        pii.decrypt(raw.petitioner_phone, pii.ID_NO)
    body = raw.petitioner_phone
    flipped = body[:-3] + ("A" if body[-3] != "A" else "B") + body[-2:]
    with pytest.raises(pii.PiiKeyError):
        pii.decrypt(flipped, pii.PHONE)


def test_sm4_gcm_round_trip_and_a_missing_key_refuses(ring):
    pii.configure(NEW, cipher="sm4-gcm")
    stored = pii.encrypt(PHONE, pii.PHONE)
    assert stored.split(":")[2] == "s" and pii.decrypt(stored, pii.PHONE) == PHONE
    pii.configure(OLD)
    with pytest.raises(pii.PiiKeyError, match="PII_OLD_KEYS"):
        pii.decrypt(stored, pii.PHONE)
    with pytest.raises(pii.PiiKeyError):
        pii.configure("")


def test_the_blind_index_is_keyed_and_normalised(ring):
    from workflows.petitions.normalize import phone_index

    assert phone_index("+86 138-0013-5678") == phone_index("13800135678")
    before = phone_index("13800135678")
    pii.configure(NEW)
    assert phone_index("13800135678") != before, "another installation's key gives another index"


def test_rotation_resumes_half_way_and_repeats_match_across_keys(db, org, ring):
    pii.configure(OLD)
    first = make_petition(db, org, received_at=NOW - timedelta(days=30), address="天山路1号", content="噪音一")
    make_petition(db, org, petitioner_phone="13911112222", petitioner_id_no="", address="天山路2号", content="另")
    db.add(ImportJob(filename="l.xlsx", file_sha256="0" * 64, rows=[{"petitioner_phone": PHONE}],
                     created_by_id=org.coordinator.id, created_at=NOW))
    db.flush()
    old_kid = pii.current_kid()
    pii.configure(NEW, [OLD])
    assert personal.rotate_batch(db, batch=1).petitions == 1, "stopped after one row: keys are mixed"
    kids = {pii.key_id(_raw(db, p)[0]) for p in db.scalars(select(Petition.id))}
    assert kids == {old_kid, pii.current_kid()}
    repeat = make_petition(db, org, petitioner_phone="138 0013 5678", petitioner_id_no="", address="仙霞路9号",
                           content="完全不同的内容")
    assert first.id in [m.petition_id for m in detection.find_repeats(db, repeat)]
    while sum(vars(personal.rotate_batch(db, batch=1)).values()):
        pass
    raws = [_raw(db, p) for p in db.scalars(select(Petition.id))]
    assert {pii.key_id(r.petitioner_phone) for r in raws} == {pii.current_kid()}
    assert db.execute(text("SELECT rows FROM petition_import_job")).scalar().startswith(f"e1:{pii.current_kid()}")
    personal.record_rotation(db, actor=None, now=NOW, total=personal.Rotation(3, 1))
    pii.configure(NEW)  # the old key is gone: everything still reads
    db.expire_all()
    assert db.get(Petition, first.id).petitioner_phone == PHONE
    assert db.scalar(select(ImportJob)).rows == [{"petitioner_phone": PHONE}]
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "pii_rotated"))
    assert entry.family == "security" and entry.details["key_id"] == pii.current_kid()


def test_reveal_is_for_who_sees_but_does_not_handle_and_is_audited(db, org):
    petition = make_petition(db, org)
    assert personal.reveal(db, actor=org.leader, now=NOW, petition_id=petition.id, field="phone") == PHONE
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "pii_revealed"))
    assert entry.actor_id == org.leader.id and entry.subject_id == petition.id and entry.details == {"field": "phone"}
    with pytest.raises(PermissionDenied):
        personal.reveal(db, actor=org.coordinator, now=NOW, petition_id=petition.id, field="phone")
    with pytest.raises(NotFound):
        personal.reveal(db, actor=org.b_member, now=NOW, petition_id=petition.id, field="phone")
