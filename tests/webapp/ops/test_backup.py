"""flask backup / flask restore on a file database: the archive's manifest, refusals (non-empty target, altered
archive, other database kind), an archive of an older version migrated to head, retention and the admin list."""

from __future__ import annotations

import json
import tarfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, inspect, select, text
from sqlalchemy.orm import Session

import config
from models.attachments import Attachment
from models.org import User
from tests.factories import Org, make_item
from webapp import create_app, migrate
from webapp.db import make_engine
from webapp.ops import archive, backup, restore, retention
from webapp.ops.health import migration_head
from workflows import attachments

NOW = datetime(2026, 12, 3, 4, 0, tzinfo=UTC)


def site(tmp_path: Path, name: str) -> dict:
    root = tmp_path / name
    root.mkdir()
    return {"DATABASE_URL": f"sqlite:///{root / 'duban.db'}", "UPLOAD_FOLDER": str(root / "uploads"),
            "BACKUP_FOLDER": str(root / "backups")}


def populated(tmp_path: Path) -> dict:
    cfg = site(tmp_path, "source")
    create_app(config.TestConfig, **cfg)  # the audit key of this installation signs the entries below
    migrate.upgrade(cfg["DATABASE_URL"])
    engine = make_engine(cfg["DATABASE_URL"])
    with Session(engine, expire_on_commit=False) as db:
        org = Org(db)
        item = make_item(db, org)
        attachments.save(db, actor=org.coordinator, now=NOW, folder=cfg["UPLOAD_FOLDER"], family="instructed_item",
                         subject_id=item.id, step=None,
                         upload=attachments.Upload("照片.jpg", "image/jpeg", b"jpeg" * 99))
        db.commit()
    engine.dispose()
    return cfg


def _tables(cfg: dict) -> list[str]:
    """The target's tables (opening the app may create an empty database file: that is not a restore)."""
    engine = make_engine(cfg["DATABASE_URL"])
    try:
        return inspect(engine).get_table_names()
    finally:
        engine.dispose()


def cli(cfg: dict, *args):
    app = create_app(config.TestConfig, **cfg)
    return app.test_cli_runner().invoke(args=list(args))


def test_backup_archive_has_manifest_database_and_files(tmp_path):
    cfg = populated(tmp_path)
    result = cli(cfg, "backup")
    assert result.exit_code == 0, result.output
    (path,) = Path(cfg["BACKUP_FOLDER"]).glob("duban-backup-*.tar")
    with tarfile.open(path) as tar:
        manifest = archive.read_manifest(tar)
        assert archive.verify(tar, manifest) == []
    assert manifest["dialect"] == "sqlite" and manifest["migration_head"] == migration_head()
    assert manifest["app_version"] == archive.app_version() and manifest["row_counts"]["attachment"] == 1
    assert manifest["row_counts"]["user"] == 9
    assert {n.split("/")[0] for n in manifest["files"]} == {"database", "uploads"}
    assert all(len(f["sha256"]) == 64 for f in manifest["files"].values())


def test_restore_into_an_empty_target_then_refuse_a_non_empty_one(tmp_path):
    source = populated(tmp_path)
    assert cli(source, "backup").exit_code == 0
    (path,) = Path(source["BACKUP_FOLDER"]).glob("*.tar")
    target = site(tmp_path, "target")
    result = cli(target, "restore", str(path))
    assert result.exit_code == 0, result.output
    assert "检查通过" in result.output
    engine = make_engine(target["DATABASE_URL"])
    with Session(engine) as db:
        assert db.scalar(select(func.count()).select_from(User)) == 9
        stored = db.scalar(select(Attachment.stored_name))
    engine.dispose()
    assert (Path(target["UPLOAD_FOLDER"]) / stored).read_bytes() == b"jpeg" * 99
    again = cli(target, "restore", str(path))
    assert again.exit_code != 0 and "目标不是空的" in again.output and "--force" in again.output
    assert cli(target, "restore", "--force", str(path)).exit_code == 0


def test_a_freshly_migrated_database_counts_as_empty(tmp_path):
    source = populated(tmp_path)
    cli(source, "backup")
    (path,) = Path(source["BACKUP_FOLDER"]).glob("*.tar")
    target = site(tmp_path, "target")
    migrate.upgrade(target["DATABASE_URL"])
    assert restore.target_problems(target["DATABASE_URL"], target["UPLOAD_FOLDER"]) == []
    assert cli(target, "restore", str(path)).exit_code == 0


def _rewrite(path: Path, out: Path, change) -> Path:
    with tarfile.open(path) as src, tarfile.open(out, "w") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read()
            data, member = change(member, data)
            member.size = len(data)
            import io

            dst.addfile(member, io.BytesIO(data))
    return out


def test_an_altered_archive_is_refused(tmp_path):
    source = populated(tmp_path)
    cli(source, "backup")
    (path,) = Path(source["BACKUP_FOLDER"]).glob("*.tar")

    def flip(member, data):
        return (data[:-1] + b"X", member) if member.name.startswith("uploads/") else (data, member)

    bad = _rewrite(path, tmp_path / "bad.tar", flip)
    target = site(tmp_path, "target")
    result = cli(target, "restore", str(bad))
    assert result.exit_code != 0 and "校验和不符" in result.output
    assert _tables(target) == [], "nothing restored"
    junk = tmp_path / "junk.tar"
    junk.write_bytes(b"not a tar")
    assert "无法读取备份文件" in cli(target, "restore", str(junk)).output


def test_an_archive_of_an_older_version_is_migrated_to_head(tmp_path):
    from alembic import command

    cfg = site(tmp_path, "old")
    command.upgrade(migrate.alembic_config(cfg["DATABASE_URL"]), "0007_incident_resolution")
    backup.run(cfg["DATABASE_URL"], cfg["UPLOAD_FOLDER"], cfg["BACKUP_FOLDER"], NOW)
    (path,) = Path(cfg["BACKUP_FOLDER"]).glob("*.tar")
    with tarfile.open(path) as tar:
        assert archive.read_manifest(tar)["migration_head"] == "0007_incident_resolution"
    target = site(tmp_path, "target")
    result = cli(target, "restore", str(path))
    assert result.exit_code == 0, result.output
    engine = make_engine(target["DATABASE_URL"])
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == migration_head()
    engine.dispose()


def test_an_archive_of_the_other_database_kind_is_refused(tmp_path):
    source = populated(tmp_path)
    cli(source, "backup")
    (path,) = Path(source["BACKUP_FOLDER"]).glob("*.tar")

    def relabel(member, data):
        if member.name == archive.MANIFEST:
            data = json.dumps({**json.loads(data), "dialect": "postgresql"}).encode()
        return data, member

    other = _rewrite(path, tmp_path / "pg.tar", relabel)
    outcome = cli(site(tmp_path, "target"), "restore", str(other))
    assert outcome.exit_code != 0 and "postgresql" in outcome.output


def test_retention_keeps_7_daily_4_weekly_12_monthly():
    times = [NOW - timedelta(days=d) for d in range(40)]  # NOW is Thursday 3 December, noon in Shanghai
    kept = retention.keep(times, 7, 4, 12)
    daily = {NOW - timedelta(days=d) for d in range(7)}  # 3 Dec back to 27 Nov
    weekly = {NOW - timedelta(days=11), NOW - timedelta(days=18)}  # Sundays 22 and 15 Nov (29 Nov is daily)
    monthly = {NOW - timedelta(days=33)}  # 31 Oct (30 Nov is daily)
    assert kept == daily | weekly | monthly
    year = retention.keep([NOW - timedelta(days=d) for d in range(400)], 7, 4, 12)
    months = {(t.year, t.month) for t in year}
    assert len(months) == 12 and len(year) <= 7 + 4 + 12
    assert retention.keep([NOW - timedelta(days=40)], 0, 0, 0) == {NOW - timedelta(days=40)}, "the newest stays"


def test_prune_and_the_admin_list_warns_after_26_hours(tmp_path, as_user, org, app):
    folder = tmp_path / "b"
    folder.mkdir()
    times = [(datetime.now(UTC) - timedelta(days=d + 2)).replace(microsecond=0) for d in range(10)]
    for t in times:
        (folder / archive.archive_name(t)).write_bytes(b"x" * 2048)
    (folder / "notes.txt").write_text("not ours")
    removed = retention.prune(str(folder), 2, 1, 1)
    assert {t for _, t in retention.listing(str(folder))} == retention.keep(times, 2, 1, 1)
    assert len(removed) == 10 - len(retention.keep(times, 2, 1, 1)) > 0
    assert (folder / "notes.txt").exists()
    app.config["BACKUP_FOLDER"] = str(folder)
    html = as_user(org.admin).get("/admin/system").get_data(as_text=True)
    assert "超过 26 小时" in html and "duban-backup-" in html
    (folder / archive.archive_name(datetime.now(UTC) - timedelta(hours=1))).write_bytes(b"x")
    html = as_user(org.admin).get("/admin/system").get_data(as_text=True)
    assert "超过 26 小时" not in html
