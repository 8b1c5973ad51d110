"""Readiness checks for /readyz: each returns (ok, reason). No personal data in any answer."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.orm import Session

from webapp.migrate import alembic_config
from workflows import heartbeat


@dataclass
class Report:
    checks: dict[str, dict] = field(default_factory=dict)

    def add(self, name: str, ok: bool, reason: str = "", **facts) -> bool:
        self.checks[name] = {"ok": ok, **({"reason": reason} if not ok else {}), **facts}
        return ok

    @property
    def ready(self) -> bool:
        return all(c["ok"] for c in self.checks.values())

    @property
    def reasons(self) -> list[str]:
        return [c["reason"] for c in self.checks.values() if not c["ok"]]


@cache
def migration_head() -> str:
    heads = ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads()
    return ",".join(sorted(heads))


def database_revision(session: Session) -> str:
    rows = session.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    return ",".join(sorted(rows))


def check_database(report: Report, session: Session, now: datetime) -> bool:
    try:
        session.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"; the reason names its type only
        session.rollback()
        return report.add("database", False, f"数据库无法连接（{type(exc).__name__}）")
    report.add("database", True)
    try:
        current = database_revision(session)
    except Exception:  # noqa: BLE001 - no alembic_version table: never migrated
        session.rollback()
        current = ""
    head = migration_head()
    report.add("migrations", current == head, f"数据库版本 {current or '无'} 不是最新 {head}，请运行 flask db-upgrade",
               revision=current, head=head)
    beat = heartbeat.state(session, now)
    report.add("scheduler", not beat.stale, beat.reason,
               age_seconds=None if beat.age_seconds is None else round(beat.age_seconds, 1))
    return True


def check_folder(report: Report, name: str, folder: str, min_free_mb: int) -> None:
    path = Path(folder)
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path, prefix=".readyz-"):
            pass
    except OSError as exc:
        report.add(name, False, f"上传目录不可写（{exc.strerror or type(exc).__name__}）")
        return
    report.add(name, True)
    free_mb = shutil.disk_usage(path).free // (1024 * 1024)
    report.add("disk", free_mb >= min_free_mb, f"磁盘剩余空间 {free_mb} MB，低于 {min_free_mb} MB", free_mb=free_mb)
