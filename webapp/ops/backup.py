"""`flask backup`: one consistent archive of the database and the uploaded files, while the system runs.

The database is copied first, as one snapshot (SQLite's online backup API; PostgreSQL: pg_dump in custom
format from a snapshot exported by a REPEATABLE READ transaction, which also reads the row counts and the file
names). Then exactly the files that rows *in that snapshot* name are added. A file is written before its row
commits (workflows.attachments.save), so every row in the snapshot has its file; files uploaded after the
snapshot belong to rows that are not in it and stay out. Restore: webapp.ops.restore."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import create_engine, make_url, text

from webapp.ops import archive
from webapp.ops.health import migration_head

# Tables whose rows name a file in UPLOAD_FOLDER (table, column). A new kind of stored file adds its table here.
FILE_COLUMNS = [("attachment", "stored_name")]


@dataclass
class Snapshot:
    dialect: str
    path: Path
    revision: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    stored_names: list[str] = field(default_factory=list)


@dataclass
class Result:
    path: Path
    size: int
    counts: dict[str, int]
    files: int
    missing: list[str]


def libpq(url: str) -> tuple[str, dict]:
    """A libpq URL without the password (it goes in PGPASSWORD, never on a command line) and the environment."""
    parsed = make_url(url)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = parsed.password
    return parsed.set(drivername="postgresql", password=None).render_as_string(hide_password=False), env


def _facts(execute, tables: list[str]) -> tuple[str, dict[str, int], list[str]]:
    counts = {t: execute(f'SELECT count(*) FROM "{t}"')[0][0] for t in sorted(tables)}
    revision = ",".join(sorted(r[0] for r in execute("SELECT version_num FROM alembic_version"))) \
        if "alembic_version" in tables else ""
    names = [r[0] for table, column in FILE_COLUMNS if table in tables
             for r in execute(f'SELECT "{column}" FROM "{table}" ORDER BY 1')]
    return revision, counts, names


def snapshot_sqlite(url: str, work: Path) -> Snapshot:
    source = make_url(url).database
    if not source or source == ":memory:":
        raise ValueError("内存数据库无法备份")
    target = work / "duban.sqlite3"
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)  # one step: a consistent copy; WAL writers go on meanwhile
        tables = [r[0] for r in dst.execute("SELECT name FROM sqlite_master WHERE type = 'table'"
                                            " AND name NOT LIKE 'sqlite_%'")]
        revision, counts, names = _facts(lambda sql: dst.execute(sql).fetchall(), tables)
    finally:
        src.close()
        dst.close()
    return Snapshot("sqlite", target, revision, counts, names)


def snapshot_postgres(url: str, work: Path) -> Snapshot:
    target = work / "duban.pgdump"
    conninfo, env = libpq(url)
    engine = create_engine(url, isolation_level="REPEATABLE READ")
    try:
        with engine.connect() as conn, conn.begin():
            snapshot_id = conn.execute(text("SELECT pg_export_snapshot()")).scalar()
            tables = list(conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).scalars())
            revision, counts, names = _facts(lambda sql: conn.execute(text(sql)).all(), tables)
            # pg_dump sees exactly this transaction's snapshot, held open until it is done.
            subprocess.run(["pg_dump", "--format=custom", f"--snapshot={snapshot_id}", "--no-owner",
                            "--no-privileges", "--file", str(target), "--dbname", conninfo],
                           env=env, check=True, capture_output=True, timeout=6 * 3600)
    finally:
        engine.dispose()
    return Snapshot("postgresql", target, revision, counts, names)


def snapshot(url: str, work: Path) -> Snapshot:
    return snapshot_sqlite(url, work) if url.startswith("sqlite") else snapshot_postgres(url, work)


def run(url: str, upload_folder: str, folder: str, now: datetime) -> Result:
    """Write BACKUP_FOLDER/duban-backup-<UTC time>.tar (atomically: a .partial file renamed when complete)."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    final = out / archive.archive_name(now)
    partial = final.with_name(final.name + ".partial")
    with tempfile.TemporaryDirectory(dir=out, prefix=".backup-") as work:
        snap = snapshot(url, Path(work))
        missing = []
        with tarfile.open(partial, "w") as tar:
            writer = archive.Writer(tar)
            writer.add_file(snap.path, f"database/{snap.path.name}")
            for name in snap.stored_names:
                path = Path(upload_folder) / name
                if Path(name).name != name or not path.is_file():
                    missing.append(name)
                    continue
                writer.add_file(path, f"uploads/{name}")
            writer.add_manifest({
                "format": archive.FORMAT, "app_version": archive.app_version(), "created_at": now.isoformat(),
                "dialect": snap.dialect, "migration_head": snap.revision, "code_head": migration_head(),
                "row_counts": snap.counts, "missing_files": missing})
        os.replace(partial, final)
    return Result(final, final.stat().st_size, snap.counts, len(snap.stored_names) - len(missing), missing)
