"""The backup archive: one uncompressed tar with manifest.json, the database snapshot and the uploaded files.

manifest.json: format, app version, dialect, migration head of the snapshot, row counts per table, and the
SHA-256 and size of every other member. A restore refuses an archive whose members do not match it."""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
import tomllib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import config

FORMAT = 1
MANIFEST = "manifest.json"
PREFIX = "duban-backup-"
SUFFIX = ".tar"
CHUNK = 1024 * 1024


def app_version() -> str:
    try:
        from importlib.metadata import version

        return version("duban")
    except Exception:  # noqa: BLE001 - not installed as a distribution (the offline bundle runs from source)
        with open(config.BASE_DIR / "pyproject.toml", "rb") as fh:
            return tomllib.load(fh)["project"]["version"]


def archive_name(now: datetime) -> str:
    return f"{PREFIX}{now.astimezone(UTC):%Y%m%dT%H%M%SZ}{SUFFIX}"


def created_at(path: Path) -> datetime | None:
    """The time in an archive's name (None for a name that is not ours)."""
    stem = path.name.removeprefix(PREFIX).removesuffix(SUFFIX)
    try:
        return datetime.strptime(stem, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    except ValueError:
        return None


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass
class Writer:
    """Adds members to a tar, recording each one's checksum for the manifest."""

    tar: tarfile.TarFile
    files: dict[str, dict] = field(default_factory=dict)

    def add_file(self, path: Path, arcname: str, sha256: str | None = None) -> None:
        digest = sha256 or sha256_file(path)
        self.tar.add(str(path), arcname=arcname, recursive=False)
        self.files[arcname] = {"sha256": digest, "size": path.stat().st_size}

    def add_manifest(self, manifest: dict) -> None:
        data = json.dumps({**manifest, "files": self.files}, ensure_ascii=False, indent=1, sort_keys=True).encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size, info.mtime = len(data), int(datetime.now(UTC).timestamp())
        self.tar.addfile(info, io.BytesIO(data))


class ArchiveError(Exception):
    """The archive is unreadable, incomplete or altered: nothing is restored."""


def read_manifest(tar: tarfile.TarFile) -> dict:
    try:
        member = tar.getmember(MANIFEST)
        manifest = json.load(tar.extractfile(member))
    except (KeyError, ValueError, OSError) as exc:
        raise ArchiveError(f"备份文件中没有可读的清单 manifest.json（{type(exc).__name__}）") from exc
    if manifest.get("format") != FORMAT:
        raise ArchiveError(f"不支持的备份格式 {manifest.get('format')}")
    return manifest


def verify(tar: tarfile.TarFile, manifest: dict) -> list[str]:
    """Every member listed with its checksum, none extra, none altered; returns the problems found."""
    problems = []
    listed = manifest.get("files", {})
    members = {m.name: m for m in tar.getmembers() if m.name != MANIFEST}
    for name in sorted(set(members) - set(listed)):
        problems.append(f"清单中没有的文件：{name}")
    for name, facts in sorted(listed.items()):
        member = members.get(name)
        if member is None or not member.isfile():
            problems.append(f"缺少文件：{name}")
            continue
        digest = hashlib.sha256()
        with tar.extractfile(member) as fh:
            while chunk := fh.read(CHUNK):
                digest.update(chunk)
        if digest.hexdigest() != facts["sha256"] or member.size != facts["size"]:
            problems.append(f"校验和不符：{name}")
    return problems
