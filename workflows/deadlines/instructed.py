"""The clock adapter of instructed items (六类重要批示件): kinds 1–3 need a leader to approve an extension."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from models.engine import ProcessInstance
from models.items import FAMILY_INSTRUCTED, ItemKind, SupervisedItem
from workflows.calendar import Deadline, WorkCalendar
from workflows.deadlines.registry import FamilyClock, register
from workflows.deadlines.rules import RuleBook
from workflows.items import deadlines as item_deadlines


def _rule_deadline(calendar: WorkCalendar, book: RuleBook, item: SupervisedItem) -> Deadline:
    return item_deadlines.item_deadline(calendar, ItemKind(item.kind), item.received_at, None, book)


def _step_due(calendar: WorkCalendar, book: RuleBook, item: SupervisedItem, step: str, started: datetime):
    return item_deadlines.step_due(calendar, item, step, started, book)


def _advance(session: Session, instance: ProcessInstance, now: datetime) -> None:
    from workflows.items import operations

    operations.advance_timers(session, now=now, instance=instance)


register(FamilyClock(
    family=FAMILY_INSTRUCTED,
    label="批示件",
    model=SupervisedItem,
    kind_of=lambda item: int(item.kind),
    squad_of=lambda item: item.lead_squad_id,
    handler_of=lambda item: item.handler_id,
    title_of=lambda item: (item.number, item.title),
    started_of=lambda item: item.received_at,
    approver_group=lambda item: "leader" if ItemKind(item.kind).needs_signoff else "coordination",
    rule_deadline=_rule_deadline,
    step_due=_step_due,
    clock_payload=lambda calendar, book, item: item_deadlines.clock(calendar, item, book),
    advance_timers=_advance,
))
