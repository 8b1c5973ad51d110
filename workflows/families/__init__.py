"""Families of supervised subjects (批示件, 信访件, 重大案件, 追责移送, ...): each is a table, a BPMN process and a
small descriptor. Code that works on "a subject of any family" finds the family here.

Locking rule (one global order, so a web step and a scheduler sweep can never deadlock): an action on a
subject locks the subject's row first, then its process instance, then its open-work rows.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflows.errors import NotFound


@dataclass(frozen=True)
class Family:
    name: str
    label: str
    model: type
    title_of: Callable[[Any], tuple[str, str]]  # (number, title)
    squad_of: Callable[[Any], int | None]  # the lead squad (主办)


_FAMILIES: dict[str, Family] = {}
_BUILTIN = ("instructed", "petition", "major_case", "referral")


def register(family: Family) -> None:
    _FAMILIES[family.name] = family


def _load_builtin() -> None:
    for name in _BUILTIN:
        importlib.import_module(f"workflows.families.{name}")


def get(name: str) -> Family:
    if name not in _FAMILIES:
        _load_builtin()
    try:
        return _FAMILIES[name]
    except KeyError:
        raise NotFound(f"未知的督办类别：{name}") from None


def find(name: str) -> Family | None:
    try:
        return get(name)
    except NotFound:
        return None


def all_families() -> list[Family]:
    _load_builtin()
    return list(_FAMILIES.values())


def lock(session: Session, family: str, subject_id: int, *, skip_locked: bool = False) -> Any | None:
    """Lock the subject's row (the first lock of any action on it); None when it does not exist, or when
    `skip_locked` and another transaction holds it (a scheduler then tries again at the next tick)."""
    model = get(family).model
    query = (select(model).where(model.id == subject_id).with_for_update(skip_locked=skip_locked)
             .execution_options(populate_existing=True))
    return session.execute(query).scalar_one_or_none()


def lock_work(session: Session, work_id: int, *, skip_locked: bool = False):
    """Lock an open step in the global order: its subject's row first, then the work row. None when gone
    (or held by another transaction with `skip_locked`)."""
    from models.engine import WorkItem

    found = session.execute(select(WorkItem.family, WorkItem.subject_id).where(WorkItem.id == work_id)).first()
    if found is None:
        return None
    if find(found.family) is not None and lock(session, found.family, found.subject_id,
                                               skip_locked=skip_locked) is None:
        return None
    return session.execute(select(WorkItem).where(WorkItem.id == work_id)
                           .with_for_update(skip_locked=skip_locked)
                           .execution_options(populate_existing=True)).scalar_one_or_none()
