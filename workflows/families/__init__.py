"""Families of supervised subjects (批示件, 信访件, 重大案件, 追责移送, ...): each is a table, a BPMN process and a
descriptor. Every generic piece (task operations, the clock and its ladder, worklists, the subject projection,
bulletins, scores) works on "a subject of any family" through the descriptor, so a new family is its
descriptor, its BPMN file, its step handlers and its own pages.

Locking rule (one global order, so that a web step and a scheduler sweep can never deadlock): an action on a
subject locks the subject's row first, then its process instance, then its open-work rows.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflows.errors import NotFound

StepHandler = Callable[[Any], Any]  # (StepContext) -> StepOutcome


@dataclass(frozen=True)
class Family:
    name: str
    label: str  # 批示件
    model: type
    process_id: str
    number_prefix: Callable[[int], str]  # year -> "督2026-"
    number_width: int
    title_of: Callable[[Any], str]
    kind_of: Callable[[Any], int]
    kinds: dict[int, str]  # kind -> label; {0: label} when the family has one kind
    squad_of: Callable[[Any], int | None]  # the lead squad (主办)
    handler_of: Callable[[Any], int | None]
    started_of: Callable[[Any], datetime]  # when its clock starts (received, opened, referred)
    registered_by_of: Callable[[Any], int | None]
    search_text_of: Callable[[Any], str]
    can_view: Callable[[Any, Any], bool]  # (user, subject)
    approver_group: Callable[[Any], str]  # who decides its clock requests: 'coordination' or 'leader'
    handlers: dict[str, StepHandler]
    start_data: Callable[[Any], dict]  # the process's start data
    # Steps whose work is offered to the whole unit (a member claims it) rather than given to the handler.
    unassigned_steps: frozenset[str] = frozenset()
    # Steps whose completion acts outside the system (a reply sent, a letter issued): never withdrawn (撤回).
    final_steps: frozenset[str] = frozenset()
    # step_group 'section' steps: the section (by code) that holds them, or a callable of the subject.
    section_of: Callable[[Any, str], str | int | None] = lambda subject, step: None
    # Who may never act on a subject's steps though their unit holds them (the referred officer on their own).
    may_act: Callable[[Any, Any], bool] = lambda user, subject: True
    # Family state that follows an engine advance (e.g. petitions record first closure and on-time).
    on_advance: Callable[[Session, Any, Any, datetime], None] | None = None
    # Default clock limits in working days: per kind for the subject, per step; counting from the subject's
    # start instead of the step's opening for these steps; the longest total extension (信访: 30).
    item_limits: dict[int, int] = field(default_factory=dict)
    step_limits: dict[str, int] = field(default_factory=dict)
    steps_from_start: frozenset[str] = frozenset()
    max_extension_workdays: int | None = None
    # Responsibility (主办 / 协办 / 退单 / 改派, workflows.tasks.cosquads and .returns): the columns that hold the
    # lead squad and its handler, the step at which the coordination section names them (and the co-squads),
    # the BPMN's multi-instance activity with one branch per co-squad (None: the family has no co-squads), and
    # whether the lead waits for a late co-squad (per kind) rather than proceeding with it marked missing.
    squad_field: str = "squad_id"
    handler_field: str = "handler_id"
    assign_step: str | None = "assign"
    co_squad_activity: str | None = None
    reply_step: str | None = None  # the lead's 拟复: it needs every co-squad's contribution (or its absence marked)
    lead_waits: Callable[[int], bool] = lambda kind: False
    # Whom results on a subject count against (scores): (squad_id, user_id); default its lead squad and handler.
    accountable_of: Callable[[Any], tuple[int | None, int | None]] | None = None
    # the step whose form may refer someone to accountability (its process then calls the referral process)
    refer_step: str | None = None
    # a family whose process other processes call (BPMN call activity): the data input naming its subject's id
    call_key: str | None = None

    def number(self, subject: Any) -> str:
        return subject.number

    def responsible(self, subject: Any) -> tuple[int | None, int | None]:
        if self.accountable_of is not None:
            return self.accountable_of(subject)
        return self.squad_of(subject), self.handler_of(subject)

    def label_of(self, subject: Any) -> tuple[str, str]:
        return subject.number, self.title_of(subject)


_FAMILIES: dict[str, Family] = {}
_BUILTIN = ("workflows.items.family", "workflows.petitions.family", "workflows.cases.family",
            "workflows.referrals.family", "workflows.inspections.family", "workflows.meetings.family")


def register(family: Family) -> Family:
    _FAMILIES[family.name] = family
    return family


def _load_builtin() -> None:
    for module in _BUILTIN:
        importlib.import_module(module)


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


def called(process_id: str) -> Family | None:
    """The family whose process a call activity runs, when that family owns the called steps."""
    _load_builtin()
    return next((f for f in _FAMILIES.values() if f.call_key and f.process_id == process_id), None)


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
