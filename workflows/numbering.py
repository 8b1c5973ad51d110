"""Registration numbers (督2026-0001, 信2026-00001, ...) from a per-scope, per-year counter row.

The counter is incremented with one UPDATE ... RETURNING, which takes the row's lock until the transaction
ends: a second registration at the same moment waits and gets the next number; a rollback gives it back.
The year is the Shanghai calendar year of the registration. The row of a new year starts at the highest
number already used in that year (data imported or registered before counters existed)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from models.counters import NumberCounter
from workflows.calendar import local_day

_TAIL = re.compile(r"(\d+)\D*$")


def _insert(session: Session):
    return (postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert)(NumberCounter)


def next_seq(session: Session, scope: str, year: int, start: Callable[[], int] = lambda: 0) -> int:
    """The next sequence number of (scope, year); `start` gives the last one used when the year's row is new."""
    bump = (update(NumberCounter).where(NumberCounter.scope == scope, NumberCounter.year == year)
            .values(last_seq=NumberCounter.last_seq + 1).returning(NumberCounter.last_seq))
    seq = session.execute(bump).scalar()
    if seq is None:
        session.execute(_insert(session).values(scope=scope, year=year, last_seq=start())
                        .on_conflict_do_nothing(index_elements=["scope", "year"]))
        seq = session.execute(bump).scalar_one()
    return seq


def peek(session: Session, scope: str, year: int) -> int | None:
    """The last number issued, without taking one (None: the counter has no row yet)."""
    return session.scalar(select(NumberCounter.last_seq).where(NumberCounter.scope == scope,
                                                               NumberCounter.year == year))


def last_used(session: Session, column, prefix: str) -> int:
    """The highest sequence among numbers starting with `prefix` (the longest, then the greatest string)."""
    number = session.scalar(select(column).where(column.like(prefix + "%"))
                            .order_by(func.length(column).desc(), column.desc()).limit(1))
    match = _TAIL.search(number or "")
    return int(match.group(1)) if match else 0


def allocate(session: Session, *, scope: str, column, prefix: Callable[[int], str], width: int,
             now: datetime) -> str:
    """A new registration number `prefix(year)` + zero-padded sequence, e.g. 督2026-0001."""
    year = local_day(now).year
    head = prefix(year)
    seq = next_seq(session, scope, year, lambda: last_used(session, column, head))
    return f"{head}{seq:0{width}d}"
