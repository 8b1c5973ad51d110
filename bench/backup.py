"""Benchmark: `flask backup` and `flask restore` time and size, for the demo bureau and for 100 k subjects.

    .venv/bin/python bench/backup.py [--subjects 100000] [--url postgresql+psycopg://…/db] [--skip-demo]

Without --url each run uses a new SQLite file. The 100 k database is the demo bureau plus copies of its
instructed items (each with its process instance, open steps, audit trail re-chained, projection row and
one 20 kB upload), inserted in bulk — a fast stand-in for years of use, not a domain walk. PostgreSQL: the
database named in --url is emptied (DROP SCHEMA public) first.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from sqlalchemy import func, insert, select, text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from models.attachments import Attachment  # noqa: E402
from models.audit import AuditEntry  # noqa: E402
from models.engine import ProcessInstance, WorkItem  # noqa: E402
from models.items import SupervisedItem  # noqa: E402
from models.subjects import Subject  # noqa: E402
from webapp import migrate  # noqa: E402
from webapp.db import make_engine  # noqa: E402
from webapp.demo import load  # noqa: E402
from webapp.ops import backup, restore  # noqa: E402
from workflows import audit, engine  # noqa: E402

NOW = datetime.now(UTC)
FAMILY = "instructed_item"
BATCH = 2000


def fresh(url: str) -> None:
    database = make_engine(url)
    if database.dialect.name == "postgresql":
        with database.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    database.dispose()
    migrate.upgrade(url)


def rows(db: Session, model, *where) -> list[dict]:
    return [dict(r) for r in db.execute(select(model.__table__).where(*where)).mappings()]


def templates(db: Session) -> list[dict]:
    found = []
    for item in rows(db, SupervisedItem):
        found.append({
            "item": item,
            "instance": rows(db, ProcessInstance, ProcessInstance.id == item["instance_id"])[0]
            if item["instance_id"] else None,
            "work": rows(db, WorkItem, WorkItem.instance_id == item["instance_id"]) if item["instance_id"] else [],
            "audit": sorted(rows(db, AuditEntry, AuditEntry.family == FAMILY, AuditEntry.subject_id == item["id"]),
                            key=lambda e: e["seq"]),
            "subject": rows(db, Subject, Subject.family == FAMILY, Subject.subject_id == item["id"]),
        })
    return found


class Ids:
    def __init__(self, db: Session):
        self.next = {m: (db.scalar(select(func.max(m.id))) or 0) + 1
                     for m in (SupervisedItem, ProcessInstance, WorkItem, AuditEntry, Subject, Attachment)}

    def take(self, model) -> int:
        value = self.next[model]
        self.next[model] += 1
        return value


def clone(t: dict, k: int, ids: Ids, uploads: Path, actor_id: int, out: dict) -> None:
    item_id = ids.take(SupervisedItem)
    instance_id = ids.take(ProcessInstance) if t["instance"] else None
    if t["instance"]:
        out[ProcessInstance].append({**t["instance"], "id": instance_id, "subject_id": item_id})
    out[SupervisedItem].append({**t["item"], "id": item_id, "instance_id": instance_id,
                                "number": f"{t['item']['number']}-{k}"[:32], "title": t["item"]["title"]})
    for w in t["work"]:
        out[WorkItem].append({**w, "id": ids.take(WorkItem), "instance_id": instance_id, "subject_id": item_id,
                              "task_uuid": str(uuid.uuid4()), "subject_number": f"{w['subject_number']}-{k}"[:40]})
    prev = audit.GENESIS
    for e in t["audit"]:
        entry = {**e, "id": ids.take(AuditEntry), "subject_id": item_id, "prev_hash": prev}
        entry["hash"] = audit.digest(SimpleNamespace(**entry))
        prev = entry["hash"]
        out[AuditEntry].append(entry)
    for s in t["subject"]:
        out[Subject].append({**s, "id": ids.take(Subject), "subject_id": item_id,
                             "number": f"{s['number']}-{k}"[:40] if s.get("number") else s.get("number")})
    stored = f"{uuid.uuid4().hex}.jpg"
    data = os.urandom(20_000)
    (uploads / stored).write_bytes(data)
    import hashlib

    out[Attachment].append({"id": ids.take(Attachment), "family": FAMILY, "subject_id": item_id, "step": None,
                            "original_name": "现场照片.jpg", "stored_name": stored, "content_type": "image/jpeg",
                            "size": len(data), "sha256": hashlib.sha256(data).hexdigest(), "uploaded_by_id": actor_id,
                            "uploaded_at": NOW})


def grow(url: str, uploads: Path, subjects: int) -> int:
    database = make_engine(url)
    with Session(database) as db:
        have = db.scalar(select(func.count()).select_from(Subject))
        ts = templates(db)
        actor_id = ts[0]["item"]["registered_by_id"]
        ids = Ids(db)
        k = 0
        while have < subjects:
            out = {m: [] for m in (ProcessInstance, SupervisedItem, WorkItem, AuditEntry, Subject, Attachment)}
            for _ in range(min(BATCH, subjects - have)):
                clone(ts[k % len(ts)], k, ids, uploads, actor_id, out)
                k += 1
                have += 1
            for model, batch in out.items():
                if batch:
                    db.execute(insert(model), batch)
            db.commit()
    database.dispose()
    return have


def measure(label: str, url: str, root: Path) -> None:
    uploads, folder = root / "uploads", root / "backups"
    started = time.perf_counter()
    result = backup.run(url, str(uploads), str(folder), datetime.now(UTC))
    backup_s = time.perf_counter() - started
    target_uploads = root / "restored-uploads"
    started = time.perf_counter()
    outcome = restore.run(str(result.path), url, str(target_uploads), datetime.now(UTC), force=True)
    restore_s = time.perf_counter() - started
    rows_total = sum(result.counts.values())
    print(f"{label}: {result.counts.get('subject', 0)} subjects, {rows_total} rows, {result.files} files | "
          f"backup {backup_s:.1f} s, archive {result.size / 1024 / 1024:.1f} MB | "
          f"restore+migrate+check {restore_s:.1f} s, problems {len(outcome.problems)}")


def run(label: str, url: str | None, subjects: int | None, items: int, petitions: int) -> None:
    with tempfile.TemporaryDirectory(prefix="duban-bench-backup-") as tmp:
        root = Path(tmp)
        db_url = url or f"sqlite:///{root / 'duban.db'}"
        fresh(db_url)
        database = make_engine(db_url)
        with Session(database) as db:
            load(db, now=NOW, item_count=items, petition_matters=petitions)
            db.commit()
        database.dispose()
        (root / "uploads").mkdir()
        if subjects:
            started = time.perf_counter()
            total = grow(db_url, root / "uploads", subjects)
            print(f"  (generated {total} subjects in {time.perf_counter() - started:.0f} s)")
        measure(label, db_url, root)


def main() -> None:
    import config

    engine.configure(config.Config.BPMN_FOLDER)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subjects", type=int, default=100_000)
    parser.add_argument("--url", default=None)
    parser.add_argument("--skip-demo", action="store_true")
    args = parser.parse_args()
    if not args.skip_demo:
        run("demo", args.url, None, 200, 160)
    if args.subjects:
        run(f"{args.subjects} subjects", args.url, args.subjects, 40, 20)


if __name__ == "__main__":
    main()
