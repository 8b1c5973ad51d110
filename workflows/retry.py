"""Transactions that lost a race at the database level (deadlock, serialization failure, SQLite busy) can be
run again from the start; callers decide where that is safe (a whole request or a whole scheduler row)."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError

T = TypeVar("T")
RETRY_SQLSTATES = {"40P01", "40001"}  # deadlock_detected, serialization_failure
ATTEMPTS = 4


def is_retryable(exc: BaseException) -> bool:
    if not isinstance(exc, DBAPIError) or exc.orig is None:
        return False
    if getattr(exc.orig, "sqlstate", None) in RETRY_SQLSTATES:
        return True
    return "database is locked" in str(exc.orig)


def run(attempt: Callable[[], T], rollback: Callable[[], None], attempts: int = ATTEMPTS) -> T:
    """Call `attempt`; on a retryable database error roll back, wait a little and call it again."""
    for n in range(1, attempts + 1):
        try:
            return attempt()
        except DBAPIError as exc:
            if n == attempts or not is_retryable(exc):
                raise
            rollback()
            time.sleep(random.uniform(0.005, 0.02) * n)  # noqa: S311 - jitter, not security
    raise AssertionError("unreachable")
