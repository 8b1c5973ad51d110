"""Per-transaction memo for small, rarely changing tables read several times in one operation
(the working calendar, the clock rules). Writers call `forget`; a new transaction starts empty."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

from sqlalchemy.orm import Session

T = TypeVar("T")
_KEY = "duban_txcache"


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
    _cache(session).pop(key, None)
