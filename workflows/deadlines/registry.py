"""Per-family clock adapters: how to read and set a subject's deadline, who approves its extensions,
how its steps' due times follow from it and how its timers are fired. Families register theirs.

A subject table registered here carries the clock columns: deadline_at, deadline_provisional,
deadline_basis, suspended_at, alert_stage, next_alert_at, extension_count, urge_count, instance_id, status.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from models.engine import ProcessInstance
from workflows.calendar import Deadline, WorkCalendar
from workflows.deadlines.rules import RuleBook
from workflows.errors import NotFound


@dataclass(frozen=True)
class FamilyClock:
    family: str
    label: str
    model: type
    kind_of: Callable[[Any], int]
    squad_of: Callable[[Any], int | None]
    handler_of: Callable[[Any], int | None]
    title_of: Callable[[Any], tuple[str, str]]
    started_of: Callable[[Any], datetime]
    approver_group: Callable[[Any], str]  # 'coordination' or 'leader'
    rule_deadline: Callable[[WorkCalendar, RuleBook, Any], Deadline]
    step_due: Callable[[WorkCalendar, RuleBook, Any, str, datetime], Deadline]
    clock_payload: Callable[[WorkCalendar, RuleBook, Any], dict]  # the data the process's timers read
    advance_timers: Callable[[Session, ProcessInstance, datetime], None]

    def is_open(self, subject: Any) -> bool:
        return str(subject.status) == "open"

    def load(self, session: Session, subject_id: int, *, lock: bool = False) -> Any:
        subject = session.get(self.model, subject_id, with_for_update=lock or None)
        if subject is None:
            raise NotFound("督办对象不存在")
        return subject


_ADAPTERS: dict[str, FamilyClock] = {}
_BUILTIN = ("workflows.deadlines.instructed",)


def register(adapter: FamilyClock) -> None:
    _ADAPTERS[adapter.family] = adapter


def _load_builtin() -> None:
    import importlib

    for name in _BUILTIN:
        importlib.import_module(name)


def get(family: str) -> FamilyClock:
    if family not in _ADAPTERS:
        _load_builtin()
    try:
        return _ADAPTERS[family]
    except KeyError:
        raise NotFound(f"未知的督办类别：{family}") from None


def find(family: str) -> FamilyClock | None:
    try:
        return get(family)
    except NotFound:
        return None


def adapters() -> list[FamilyClock]:
    _load_builtin()
    return list(_ADAPTERS.values())
