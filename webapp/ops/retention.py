"""Which backups to keep: the newest of each of the last N days, N weeks and N months that have one
(7 daily, 4 weekly, 12 monthly by default), and always the newest. The rest are deleted."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from webapp.ops import archive

LOCAL = ZoneInfo("Asia/Shanghai")


def keep(times: list[datetime], daily: int, weekly: int, monthly: int) -> set[datetime]:
    kept: set[datetime] = set()
    rules = [(daily, lambda t: t.date()), (weekly, lambda t: t.isocalendar()[:2]),
             (monthly, lambda t: (t.year, t.month))]
    for quota, bucket in rules:
        seen = []
        for t in sorted(times, reverse=True):
            key = bucket(t.astimezone(LOCAL))
            if key not in seen and len(seen) < quota:
                seen.append(key)
                kept.add(t)
    if times:
        kept.add(max(times))
    return kept


def listing(folder: str) -> list[tuple[Path, datetime]]:
    """Our archives in the folder, newest first."""
    root = Path(folder)
    if not root.is_dir():
        return []
    found = [(p, archive.created_at(p)) for p in root.glob(f"{archive.PREFIX}*{archive.SUFFIX}")]
    return sorted(((p, t) for p, t in found if t is not None), key=lambda pt: pt[1], reverse=True)


def prune(folder: str, daily: int, weekly: int, monthly: int) -> list[Path]:
    backups = listing(folder)
    kept = keep([t for _, t in backups], daily, weekly, monthly)
    removed = [p for p, t in backups if t not in kept]
    for path in removed:
        path.unlink(missing_ok=True)
    return removed
