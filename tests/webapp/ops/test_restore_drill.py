"""The restore drill (docs/OPERATIONS.md): back up while writers register items, complete steps with uploads
and the scheduler sweeps; restore; then 0 committed rows lost, 0 files missing, audit chains intact, and nothing
committed after the snapshot half there. Runs on SQLite and, with TEST_DATABASE_URL, on PostgreSQL."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from models.attachments import Attachment
from models.audit import AuditEntry
from models.items import ItemKind, SupervisedItem
from models.org import User
from tests.conftest import TEST_URL
from tests.factories import NOW, Org, open_work
from webapp.ops import backup, restore
from workflows import attachments, scheduler
from workflows.items import operations
from workflows.tasks import complete


def _setup(engine) -> dict:
    with Session(engine, expire_on_commit=False) as db:
        org = Org(db)
        db.commit()
        return {"coordinator": org.coordinator.id, "squad": org.squad_a.id}


def _write_one(engine, ids: dict, folder: str, i: int) -> tuple[int, int]:
    """One registration, then its first step completed with an upload in the same transaction (as the view)."""
    with Session(engine, expire_on_commit=False) as db:
        actor = db.get(User, ids["coordinator"])
        item = operations.register_item(db, actor=actor, now=NOW, reg=operations.Registration(
            kind=ItemKind.MEDIA_EXPOSURE, title=f"演练件{i}", instruction_text="核查", received_at=NOW))
        work = open_work(db, item)[0]
        complete.complete(db, actor=actor, now=NOW, family="instructed_item", subject_id=item.id,
                          task_uuid=work.task_uuid, values={"lead_squad_id": ids["squad"]})
        row = attachments.save(db, actor=actor, now=NOW, folder=folder, family="instructed_item",
                               subject_id=item.id, step=work.step,
                               upload=attachments.Upload(f"照片{i}.jpg", "image/jpeg", f"photo {i} ".encode() * 500))
        db.commit()
        return item.id, row.id


def _writers(engine, ids, folder, stop: threading.Event, log: list, errors: list, count: int = 2):
    def writer(w):
        i = 0
        while not stop.is_set():
            try:
                item_id, attachment_id = _write_one(engine, ids, folder, w * 100000 + i)
                log.append((time.monotonic(), item_id, attachment_id))
            except Exception as exc:  # noqa: BLE001 - reported by the test
                errors.append(repr(exc))
                time.sleep(0.05)
            i += 1

    def sweeper():
        new_session = sessionmaker(bind=engine, expire_on_commit=False)
        while not stop.is_set():
            scheduler.tick(new_session, datetime.now(UTC) + timedelta(days=400))
            time.sleep(0.05)

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(count)] + [threading.Thread(target=sweeper)]
    for t in threads:
        t.start()
    return threads


def test_restore_drill_with_concurrent_writers(committed, tmp_path):
    uploads, restored_uploads, folder = tmp_path / "uploads", tmp_path / "restored-uploads", tmp_path / "backups"
    ids = _setup(committed)
    stop, log, errors = threading.Event(), [], []
    threads = _writers(committed, ids, str(uploads), stop, log, errors)
    try:
        deadline = time.monotonic() + 60
        while len(log) < 10 and time.monotonic() < deadline:
            time.sleep(0.05)
        before = time.monotonic()
        committed_before = list(log)
        result = backup.run(TEST_URL, str(uploads), str(folder), datetime.now(UTC))
        after = time.monotonic()
        deadline = time.monotonic() + 30
        while not [e for e in log if e[0] > after] and time.monotonic() < deadline:
            time.sleep(0.05)  # writers go on after the backup too
    finally:
        stop.set()
        for t in threads:
            t.join(60)
    assert errors == []
    assert result.missing == [] and result.files >= len(committed_before)
    committed_after = [e for e in log if e[0] > after]
    assert committed_after, "writers kept committing after the backup"
    committed.dispose()  # no pooled connection holds the database while it is replaced

    outcome = restore.run(str(result.path), TEST_URL, str(restored_uploads), datetime.now(UTC), force=True)
    assert outcome.problems == [], outcome.problems  # audit chains, every file with its checksum, row counts
    with Session(committed) as db:
        items = set(db.scalars(select(SupervisedItem.id)))
        files = set(db.scalars(select(Attachment.id)))
        lost = [e for e in committed_before if e[1] not in items or e[2] not in files]
        assert lost == [], f"{len(lost)} committed transactions lost"
        later = [e for e in committed_after if e[1] in items or e[2] in files]
        assert later == [], "a transaction committed after the backup ended is in the archive"
        for item_id in items:  # nothing half there: each item with its audit trail, assignment and upload
            actions = set(db.scalars(select(AuditEntry.action).where(AuditEntry.family == "instructed_item",
                                                                      AuditEntry.subject_id == item_id)))
            assert "complete" in actions
            assert db.scalar(select(func.count()).select_from(Attachment).where(Attachment.subject_id == item_id))
    assert len(list(restored_uploads.iterdir())) == len(files)
    assert before < after
