"""`flask backup`, `flask restore ARCHIVE [--force]` and the scheduler's daily backup (with retention)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import click
from flask import current_app

from webapp.ops import backup as backup_module
from webapp.ops import restore as restore_module
from webapp.ops import retention
from webapp.ops.archive import ArchiveError
from webapp.ops.common import bp

log = logging.getLogger("duban.backup")


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def take_backup(cfg, now: datetime) -> backup_module.Result:
    return backup_module.run(cfg["DATABASE_URL"], cfg["UPLOAD_FOLDER"], cfg["BACKUP_FOLDER"], now)


@bp.cli.command("backup")
@click.option("--folder", default=None, help="Where to write the archive (default BACKUP_FOLDER).")
def backup_command(folder: str | None) -> None:
    """Back up the database and the uploaded files into one archive while the system runs."""
    cfg = dict(current_app.config)
    if folder:
        cfg["BACKUP_FOLDER"] = folder
    result = take_backup(cfg, datetime.now(UTC))
    click.echo(f"备份完成：{result.path}（{_mb(result.size)}，附件 {result.files} 个，"
               f"数据表 {len(result.counts)} 张，共 {sum(result.counts.values())} 行）")
    if result.missing:
        raise click.ClickException(f"有 {len(result.missing)} 个附件的文件在上传目录中找不到（已记入清单）："
                                   + "、".join(result.missing[:10]))


@bp.cli.command("restore")
@click.argument("archive_path", metavar="ARCHIVE", type=click.Path(exists=True, dir_okay=False))
@click.option("--force", is_flag=True, help="Replace a database and upload folder that are not empty.")
def restore_command(archive_path: str, force: bool) -> None:
    """Restore the database and uploads from ARCHIVE, migrate to the current version and check the result."""
    cfg = current_app.config
    current_app.extensions["duban.db"].engine.dispose()  # no pooled connection of ours on the old database
    try:
        outcome = restore_module.run(archive_path, cfg["DATABASE_URL"], cfg["UPLOAD_FOLDER"], datetime.now(UTC),
                                     force=force)
    except (restore_module.RestoreRefused, ArchiveError) as exc:
        raise click.ClickException(str(exc)) from exc
    manifest = outcome.manifest
    click.echo(f"已恢复 {manifest['created_at']} 的备份（版本 {manifest['app_version']}，"
               f"迁移 {manifest['migration_head']} → 当前最新）；审计链检查 {outcome.subjects_checked} 个对象")
    if outcome.problems:
        raise click.ClickException("恢复后检查发现问题：" + "；".join(outcome.problems[:20]))
    click.echo("检查通过：审计链完整，附件齐全，行数与备份一致")


def scheduled_backup(app) -> str:
    """The scheduler's daily job: a backup, then the folder pruned to the retention (7/4/12 by default)."""
    with app.app_context():
        cfg = app.config
        try:
            result = take_backup(cfg, datetime.now(UTC))
        except Exception:
            log.exception("scheduled backup failed")
            raise
        removed = retention.prune(cfg["BACKUP_FOLDER"], *cfg["BACKUP_KEEP"])
    log.info("backup written: %s (%s), %d old archives removed", result.path.name, _mb(result.size), len(removed))
    return result.path.name


@bp.cli.command("doctor")
def doctor_command() -> None:
    """Check the production configuration: secret key, database, folders, proxy, mail, backups, time zone."""
    from webapp.ops import doctor

    marks = {doctor.OK: "✔", doctor.WARN: "!", doctor.ERROR: "✘"}
    checks = doctor.run(current_app.config)
    for level, what, advice in checks:
        click.echo(f"{marks[level]} {what}：{advice}")
    errors = sum(1 for level, _, _ in checks if level == doctor.ERROR)
    warnings = sum(1 for level, _, _ in checks if level == doctor.WARN)
    click.echo(f"检查完成：{errors} 个错误，{warnings} 个提醒")
    if errors:
        raise SystemExit(1)
