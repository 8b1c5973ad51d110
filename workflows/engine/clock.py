"""The engine's notion of "now" comes from the caller, like every domain operation.

SpiffWorkflow's timer definitions read `datetime.now(timezone.utc)` from their module. We give that
module a datetime subclass whose `now()` answers the time the current operation was called with
(a context variable, so threads do not see each other's time); outside an operation it is the real clock.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

from SpiffWorkflow.bpmn.specs.event_definitions import timer as _timer_module

_NOW: ContextVar[datetime | None] = ContextVar("engine_now", default=None)


class _EngineDatetime(datetime):
    @classmethod
    def now(cls, tz=None):
        given = _NOW.get()
        if given is None:
            return datetime.now(tz)
        return given.astimezone(tz) if tz is not None else given.astimezone(UTC).replace(tzinfo=None)


_timer_module.datetime = _EngineDatetime


@contextmanager
def engine_time(now: datetime) -> Iterator[None]:
    if now.tzinfo is None:
        raise ValueError("engine time must be timezone-aware")
    token = _NOW.set(now)
    try:
        yield
    finally:
        _NOW.reset(token)
