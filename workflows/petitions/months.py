"""Calendar months in Shanghai time ("2026-11") as UTC ranges."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from workflows.calendar import LOCAL_TZ
from workflows.errors import InvalidInput

MONTH = re.compile(r"^(20\d{2})-(0[1-9]|1[0-2])$", re.ASCII)  # 2000-01 … 2099-12: no year-0 or year-10000 months


def parse(month: str) -> tuple[int, int]:
    match = MONTH.match(month or "")
    if not match:
        raise InvalidInput("月份格式应为 YYYY-MM（2000–2099 年）", "month")
    return int(match.group(1)), int(match.group(2))


def of(moment: datetime) -> str:
    return moment.astimezone(LOCAL_TZ).strftime("%Y-%m")


def previous(month: str) -> str:
    year, mon = parse(month)
    return f"{year - 1}-12" if mon == 1 else f"{year}-{mon - 1:02d}"


def following(month: str) -> str:
    year, mon = parse(month)
    return f"{year + 1}-01" if mon == 12 else f"{year}-{mon + 1:02d}"


def bounds(month: str) -> tuple[datetime, datetime]:
    """[start, end) of the local month, in UTC."""
    year, mon = parse(month)
    nyear, nmon = parse(following(month))
    start = datetime(year, mon, 1, tzinfo=LOCAL_TZ).astimezone(UTC)
    end = datetime(nyear, nmon, 1, tzinfo=LOCAL_TZ).astimezone(UTC)
    return start, end


def local_date(moment: datetime):
    return moment.astimezone(LOCAL_TZ).date()
