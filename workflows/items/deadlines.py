"""Deadlines of items and of their steps, from the working-day calendar."""

from __future__ import annotations

from datetime import date, datetime

from models.items import FAMILY_INSTRUCTED, ItemKind, SupervisedItem
from workflows.calendar import Deadline, WorkCalendar, end_of_local_day, local_day
from workflows.deadlines.rules import RuleBook, register_defaults

# Default reply time limits in working days per kind (the instructing body often names its own).
DEFAULT_LIMITS = {
    ItemKind.CITY_LEADER: 10,
    ItemKind.MINISTRY_LEADER: 10,
    ItemKind.CITY_COMMISSION_LEADER: 10,
    ItemKind.CITY_BUREAU_LEADER: 7,
    ItemKind.MEDIA_EXPOSURE: 3,
    ItemKind.PUBLIC_OPINION: 2,
}
# Steps with a limit of their own (working days from the moment the step opens).
STEP_LIMITS = {"accept": 1, "assign": 1, "joint_study": 2, "review": 2, "send_reply": 1, "leader_signoff": 2,
               "leader_supervise": 2}
# Steps that only open once the item's deadline has passed: their own limit is not capped by it.
UNCAPPED = {"leader_supervise"}
register_defaults(FAMILY_INSTRUCTED, DEFAULT_LIMITS, STEP_LIMITS)  # admins override them in clock_rule


def item_deadline(calendar: WorkCalendar, kind: ItemKind, received_at: datetime, given: date | None,
                  book: RuleBook | None = None) -> Deadline:
    """The item's deadline: the date the instructing body named, else the kind's limit (admin rule or default)."""
    if given is not None:
        provisional = calendar.is_provisional_day(given)
        return Deadline(end_of_local_day(given), provisional)
    if book is not None:
        return book.item(kind).due(calendar, received_at)
    return calendar.add_working_days(received_at, DEFAULT_LIMITS[kind])


def escalate_at(calendar: WorkCalendar, deadline_at: datetime, days: int = 1) -> datetime:
    """`days` working days (default one) after the deadline the escalation reaches the bureau leader."""
    if days <= 0:
        return deadline_at
    return end_of_local_day(calendar.shift_working_days(local_day(deadline_at), days))


def step_due(calendar: WorkCalendar, item: SupervisedItem, step: str, now: datetime,
             book: RuleBook | None = None) -> Deadline:
    """A step's due time: its own limit when it has one, never later than the item's deadline
    (except escalation steps, which open after it)."""
    item_due = Deadline(item.deadline_at, item.deadline_provisional)
    capped = step not in UNCAPPED
    if book is not None:
        rule = book.step(item.kind, step)
        if rule is None:
            return item_due
        own = rule.due(calendar, now)
        return own if not capped or own.due_at < item_due.due_at else item_due
    limit = STEP_LIMITS.get(step)
    if limit is None:
        return item_due
    own = calendar.add_working_days(now, limit)
    return own if not capped or own.due_at < item_due.due_at else item_due


def clock(calendar: WorkCalendar, item: SupervisedItem, book: RuleBook | None = None) -> dict[str, str]:
    """The timer data the process watches (UTC ISO strings); escalation as the kind's rule says."""
    days = book.item(item.kind).escalate_workdays if book is not None else 1
    return {
        "deadline_at": item.deadline_at.isoformat(),
        "escalate_at": escalate_at(calendar, item.deadline_at, days).isoformat(),
    }
