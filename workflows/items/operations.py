"""Registering instructed items (批示件). Everything done to an open step lives in `workflows.tasks`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.items import ItemKind, ItemStatus, SupervisedItem
from models.org import Role, User
from workflows.calendar import Deadline, end_of_local_day, load_calendar
from workflows.deadlines import compute
from workflows.deadlines.rules import load_book
from workflows.errors import Conflict, InvalidInput, PermissionDenied
from workflows.items.family import FAMILY
from workflows.tasks import lifecycle


@dataclass
class Registration:
    kind: ItemKind
    title: str
    instruction_text: str
    received_at: datetime
    source_doc_number: str = ""
    instructing_leader: str = ""
    deadline_on: date | None = None
    needs_study: bool = False


def _deadline(session: Session, item: SupervisedItem, given: date | None, now: datetime) -> Deadline:
    calendar = load_calendar(session)
    if given is not None:
        return Deadline(end_of_local_day(given), calendar.is_provisional_day(given))
    return compute.subject_deadline(calendar, load_book(session, FAMILY.name, now), FAMILY, item)


def register_item(session: Session, *, actor: User | None, now: datetime, reg: Registration,
                  client_name: str = "", external_ref: str | None = None) -> SupervisedItem:
    """Register an item: by the coordination section, or (actor None) by an API client with its own number."""
    if actor is None and not (client_name and external_ref):
        raise PermissionDenied("只有协调科或接口客户端可以登记督办件")
    if actor is not None and not actor.has(Role.COORDINATOR):
        raise PermissionDenied("只有协调科可以登记督办件")
    if external_ref and session.scalar(select(SupervisedItem.id).where(SupervisedItem.external_ref == external_ref)):
        raise Conflict(f"外部编号 {external_ref} 已登记")
    if reg.received_at > now:
        raise InvalidInput("收件时间不能晚于当前时间", "received_at")
    item = SupervisedItem(
        kind=int(reg.kind), title=reg.title.strip(), source_doc_number=reg.source_doc_number.strip(),
        instructing_leader=reg.instructing_leader.strip(), instruction_text=reg.instruction_text.strip(),
        received_at=reg.received_at, needs_study=reg.needs_study, status=ItemStatus.OPEN,
        deadline_basis="given" if reg.deadline_on else "rule", clock_rules_at=now,
        registered_by_id=actor.id if actor else None, registered_at=now, api_client_name=client_name,
        external_ref=external_ref,
    )
    due = _deadline(session, item, reg.deadline_on, now)
    if due.due_at < reg.received_at:
        raise InvalidInput("办理期限不能早于收件日期", "deadline_on")
    item.deadline_at, item.deadline_provisional, item.base_deadline_at = due.due_at, due.provisional, due.due_at
    item.number = lifecycle.number_for(session, FAMILY, now)
    session.add(item)
    return lifecycle.start(session, FAMILY, item, actor=actor, now=now,
                           summary=f"登记督办件（{reg.kind.short_label}）",
                           details={"deadline_at": item.deadline_at.isoformat()})
