"""Memos for small, rarely changing tables read several times in one operation (the working calendar, the clock
rules, the sections).

- `memo`: per transaction; a new transaction starts empty. Writers call `forget`.
- `stamped`: shared by the process between transactions, for as long as the database's settings stamp (a token
  that triggers change on every write to those tables, models.settings) is the one read in this transaction:
  one small query per transaction instead of one per table. Values must be plain data, never ORM objects.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.settings import SettingsStamp

T = TypeVar("T")
_KEY = "duban_txcache"
_STAMP = "settings-stamp"
_SHARED: dict[str, dict] = {}  # stamp -> key -> value (a new stamp starts empty; old stamps are dropped)
_SHARED_LOCK = threading.Lock()
_KEEP = 8  # stamps kept: several databases in one process (tests, benches), and a stamp just replaced


def _cache(session: Session) -> dict:
    transaction = session.get_transaction()
    held = session.info.get(_KEY)
    if held is None or held[0] is not transaction:
        held = (transaction, {})
        session.info[_KEY] = held
    return held[1]


def memo(session: Session, key: Hashable, load: Callable[[], T]) -> T:
    cache = _cache(session)
    if key not in cache:
        cache[key] = load()
    return cache[key]


def forget(session: Session, key: Hashable) -> None:
    cache = _cache(session)
    cache.pop(key, None)
    cache.pop(_STAMP, None)  # the write changed the stamp (trigger): read it again


def _read_stamp(session: Session) -> str | None:
    return session.scalar(select(SettingsStamp.token).where(SettingsStamp.id == 1))


def stamp_column():
    """The settings stamp as a scalar subquery, for a caller's first statement (see `prime_stamp`)."""
    return select(SettingsStamp.token).where(SettingsStamp.id == 1).scalar_subquery()


def prime_stamp(session: Session, token: str | None) -> None:
    """The stamp read by the caller's own statement: this transaction needs no query of its own for it."""
    if token is not None:
        _cache(session).setdefault(_STAMP, token)


def stamp(session: Session) -> str | None:
    return memo(session, _STAMP, lambda: _read_stamp(session))


def stamped(session: Session, key: Hashable, load: Callable[[], T]) -> T:
    """`load()` once per settings stamp and process. A miss reads the stamp again right before loading, so
    that what is stored under a stamp is what the tables held at that stamp (a write in this transaction, even
    one that did not call `forget`, has already given it a new token)."""
    held = stamp(session)
    with _SHARED_LOCK:
        values = _SHARED.get(held) if held is not None else None
        if values is not None and key in values:
            return values[key]
    token = _read_stamp(session)
    value = load()
    if token is None:  # no stamp row (a test emptied every table): nothing can be shared
        return value
    with _SHARED_LOCK:
        if token not in _SHARED and len(_SHARED) >= _KEEP:
            _SHARED.pop(next(iter(_SHARED)))
        _SHARED.setdefault(token, {})[key] = value
    return value
