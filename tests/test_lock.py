"""The hash-pinned locks cover every pin in pyproject.toml (otherwise: run `make lock`)."""

from __future__ import annotations

import re
import tomllib

import config

PIN = re.compile(r"^([A-Za-z0-9._-]+)(?:\[[^\]]*\])?==([^\s;\\]+)")


def normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(lines) -> dict[str, str]:
    found = {}
    for line in lines:
        match = PIN.match(line.strip())
        if match:
            found[normal(match.group(1))] = match.group(2)
    return found


def locked(name: str) -> tuple[dict[str, str], str]:
    text = (config.BASE_DIR / name).read_text()
    return pins(text.splitlines()), text


def test_locks_cover_pyproject_with_hashes():
    project = tomllib.loads((config.BASE_DIR / "pyproject.toml").read_text())["project"]
    runtime, dev = pins(project["dependencies"]), pins(project["optional-dependencies"]["dev"])
    for lock, wanted in (("requirements.lock", runtime), ("requirements-dev.lock", {**runtime, **dev})):
        have, text = locked(lock)
        wrong = {n: v for n, v in wanted.items() if have.get(n) != v}
        assert wrong == {}, f"{lock} is out of date for {wrong}: run `make lock`"
        assert text.count("--hash=sha256:") >= len(have), f"{lock} must carry hashes"
    dev_lock, _ = locked("requirements-dev.lock")
    runtime_lock, _ = locked("requirements.lock")
    differ = {n: (v, dev_lock.get(n)) for n, v in runtime_lock.items() if dev_lock.get(n) != v}
    assert differ == {}, f"the two locks disagree: {differ}: run `make lock`"
