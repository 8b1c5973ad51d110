"""`make bundle`: one versioned archive that installs Duban on a machine without any package index.

    dist/duban-<version>-cp311-linux_x86_64.tar.gz
      install.sh            installs, migrates and (with --start) starts it: docs/OPERATIONS.md
      requirements.txt      every dependency pinned with the SHA-256 of its wheel in wheels/
      wheels/               wheels for every dependency (from requirements.lock; built here for the target
                            Python and platform when PyPI has only a source archive)
      app/                  the app, migrations, BPMN, deploy/ and docs/, plus only the front-end files the app
                            serves (webapp.assets.PACKAGES, e.g. node_modules/bootstrap/dist)
      MANIFEST.json         version, commit, Python and platform, and the SHA-256 of every file
      SHA256SUMS            the same checksums for `sha256sum -c`
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import time
import tomllib
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP_PATHS = ["webapp", "workflows", "models", "bpmn", "migrations", "config.py", "pyproject.toml", "README.md",
             "docs", "deploy", "requirements.lock", "install.sh"]


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def tracked(paths: list[str]) -> list[str]:
    out = subprocess.run(["git", "ls-files", "-z", "--", *paths], cwd=ROOT, check=True, capture_output=True).stdout
    return [p for p in out.decode().split("\0") if p and (ROOT / p).is_file()]


def wheels(target: Path) -> None:
    """Download (or build) a wheel for every locked dependency, hash-checked against the lock."""
    target.mkdir(parents=True)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--require-hashes", "--no-deps",
                    "-r", str(ROOT / "requirements.lock"), "-w", str(target)], check=True)


def requirements(wheel_dir: Path) -> str:
    lines = []
    for wheel in sorted(wheel_dir.glob("*.whl")):
        name, version = wheel.name.split("-")[:2]
        lines.append(f"{name}=={version} --hash=sha256:{sha256(wheel)}")
    return "\n".join(lines) + "\n"


def copy_app(app: Path) -> None:
    for rel in tracked(APP_PATHS):
        dest = app / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, dest)
    sys.path.insert(0, str(ROOT))
    from webapp.assets import PACKAGES  # only what the app serves

    for folder in PACKAGES.values():
        shutil.copytree(folder, app / folder.relative_to(ROOT), dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("*.map"))  # source maps: never served to users


def build(out: Path) -> Path:
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    py = f"cp{sys.version_info.major}{sys.version_info.minor}"
    plat = sysconfig.get_platform().replace("-", "_").replace(".", "_")
    name = f"duban-{version}-{py}-{plat}"
    stage = out / name
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir(parents=True)
    wheels(stage / "wheels")
    (stage / "requirements.txt").write_text(requirements(stage / "wheels"))
    copy_app(stage / "app")
    shutil.copy2(ROOT / "install.sh", stage / "install.sh")
    files = {str(p.relative_to(stage)): sha256(p) for p in sorted(stage.rglob("*")) if p.is_file()}
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    manifest = {"name": name, "version": version, "commit": commit, "python": platform.python_version(),
                "platform": plat, "built_at": datetime.now(UTC).isoformat(), "files": files}
    (stage / "MANIFEST.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False))
    (stage / "SHA256SUMS").write_text("".join(f"{h}  {p}\n" for p, h in files.items()))
    bundle = out / f"{name}.tar.gz"
    with tarfile.open(bundle, "w:gz", compresslevel=6) as tar:
        tar.add(stage, arcname=name)
    shutil.rmtree(stage)
    return bundle


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="dist")
    args = parser.parse_args()
    started = time.perf_counter()
    os.chdir(ROOT)
    bundle = build(Path(args.out).resolve())
    print(f"bundle: {bundle} ({bundle.stat().st_size / 1024 / 1024:.1f} MB) in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
