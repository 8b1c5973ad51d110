"""Bulk operations on selected open steps: each row runs in its own savepoint, so a refused row never undoes
or half-applies another; every row reports its own outcome."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from workflows.errors import DomainError


@dataclass
class RowResult:
    key: str
    ok: bool
    message: str


def run(session: Session, keys: Iterable[str], action: Callable[[str], str]) -> list[RowResult]:
    """Run `action(key)` for each key in its own savepoint; its return value is the row's success message."""
    results = []
    for key in dict.fromkeys(keys):
        try:
            with session.begin_nested():
                message = action(key)
            results.append(RowResult(key, True, message))
        except DomainError as exc:
            results.append(RowResult(key, False, exc.message))
    return results
