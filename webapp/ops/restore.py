"""`flask restore ARCHIVE`: the database and the uploaded files back from one backup archive.

Refuses an archive whose checksums do not match its manifest, a target that is not empty (without --force) and
an archive of the other database kind. After the copy it migrates to the current head (so an archive of an
older version comes up to date), rebuilds missing projections and then checks the result: the audit chains, every
file a row names present with its checksum, and the row counts of the manifest."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, inspect, select, text
from sqlalchemy.orm import Session

from models.attachments import Attachment
from models.audit import AuditEntry
from models.org import User
from webapp import migrate
from webapp.db import make_engine
from webapp.ops import archive
from webapp.ops.backup import libpq
from workflows import audit_seals, subjects


class RestoreRefused(Exception):
    """Nothing was changed."""


@dataclass
class Outcome:
    manifest: dict
    counts: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    subjects_checked: int = 0


def target_problems(url: str, upload_folder: str) -> list[str]:
    """Why the target is not empty: users, audit entries or attachments in the database, files in the folder."""
    found = []
    engine = make_engine(url)
    try:
        tables = set(inspect(engine).get_table_names())
        with Session(engine) as db:
            for model in (User, AuditEntry, Attachment):
                if model.__tablename__ in tables and db.scalar(select(func.count()).select_from(model)):
                    found.append(f"数据库中已有数据（{model.__tablename__}）")
    finally:
        engine.dispose()
    folder = Path(upload_folder)
    if folder.is_dir() and any(p.is_file() for p in folder.iterdir()):
        found.append(f"上传目录 {folder} 不是空的")
    return found


def _restore_sqlite(url: str, dump: Path) -> None:
    from sqlalchemy import make_url

    target = make_url(url).database
    Path(target).parent.mkdir(parents=True, exist_ok=True)
    src, dst = sqlite3.connect(dump), sqlite3.connect(target)
    try:
        src.backup(dst)  # replaces every page of the target
    finally:
        src.close()
        dst.close()


def _restore_postgres(url: str, dump: Path) -> None:
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    finally:
        engine.dispose()
    conninfo, env = libpq(url)
    subprocess.run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
                    "--dbname", conninfo, str(dump)], env=env, check=True, capture_output=True, timeout=6 * 3600)


def _extract(tar: tarfile.TarFile, manifest: dict, work: Path, upload_folder: str) -> Path:
    dump = None
    uploads = Path(upload_folder)
    uploads.mkdir(parents=True, exist_ok=True)
    for name in manifest["files"]:
        member = tar.getmember(name)
        kind, _, base = name.partition("/")
        if "/" in base or base in ("", ".", ".."):
            raise RestoreRefused(f"备份中有不安全的文件名：{name}")
        target = (work / base) if kind == "database" else (uploads / base)
        with tar.extractfile(member) as src, open(target, "wb") as dst:
            shutil.copyfileobj(src, dst, archive.CHUNK)
        if kind == "database":
            dump = target
    if dump is None:
        raise RestoreRefused("备份中没有数据库文件")
    return dump


def check(url: str, upload_folder: str, manifest: dict, now: datetime, seal_file: str | None = None) -> Outcome:
    """What a restore drill asserts: audit chains intact, no row without its file, the manifest's row counts."""
    outcome = Outcome(manifest)
    engine = make_engine(url)
    try:
        tables = set(inspect(engine).get_table_names())
        with Session(engine) as db:
            outcome.counts = {t: db.execute(text(f'SELECT count(*) FROM "{t}"')).scalar() for t in sorted(tables)}
            report = audit_seals.verify(db, path=seal_file)
            outcome.subjects_checked = report.subjects
            outcome.problems += [f"审计链：{p}" for p in report.problems]
            for stored, sha in db.execute(select(Attachment.stored_name, Attachment.sha256)):
                path = Path(upload_folder) / stored
                if not path.is_file():
                    outcome.problems.append(f"缺少附件文件：{stored}")
                elif archive.sha256_file(path) != sha:
                    outcome.problems.append(f"附件校验和不符：{stored}")
    finally:
        engine.dispose()
    if manifest.get("migration_head") == manifest.get("code_head"):  # same schema: the counts must be equal
        for table, count in manifest.get("row_counts", {}).items():
            if table != "subject" and outcome.counts.get(table) != count:
                outcome.problems.append(f"{table} 行数 {outcome.counts.get(table)} ≠ 备份时 {count}")
    return outcome


def run(path: str, url: str, upload_folder: str, now: datetime, *, force: bool = False,
        seal_file: str | None = None) -> Outcome:
    try:
        tar = tarfile.open(path, "r:")  # noqa: SIM115 - closed by the with below; opening errors answered here
    except (OSError, tarfile.TarError) as exc:
        raise RestoreRefused(f"无法读取备份文件：{exc}") from exc
    with tar, tempfile.TemporaryDirectory(prefix="duban-restore-") as work:
        manifest = archive.read_manifest(tar)
        problems = archive.verify(tar, manifest)
        if problems:
            raise RestoreRefused("备份文件与清单不符，拒绝恢复：" + "；".join(problems[:20]))
        dialect = "sqlite" if url.startswith("sqlite") else "postgresql"
        if manifest["dialect"] != dialect:
            raise RestoreRefused(f"备份来自 {manifest['dialect']} 数据库，目标是 {dialect}")
        busy = target_problems(url, upload_folder)
        if busy and not force:
            raise RestoreRefused("目标不是空的（" + "；".join(busy) + "）。确认覆盖请加 --force")
        dump = _extract(tar, manifest, Path(work), upload_folder)
        (_restore_sqlite if dialect == "sqlite" else _restore_postgres)(url, dump)
    migrate.upgrade(url)
    engine = make_engine(url)
    try:
        with Session(engine) as db:
            subjects.rebuild(db, now)
            db.commit()
    finally:
        engine.dispose()
    return check(url, upload_folder, manifest, now, seal_file)
