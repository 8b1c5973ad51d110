"""Deadlines of items and of their steps, from the working-day calendar."""

from __future__ import annotations

from datetime import date, datetime

from models.items import ItemKind, SupervisedItem
from workflows.calendar import Deadline, WorkCalendar, end_of_local_day, local_day

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
STEP_LIMITS = {"accept": 1, "assign": 1, "joint_study": 2, "review": 2, "send_reply": 1, "leader_signoff": 2}


def item_deadline(calendar: WorkCalendar, kind: ItemKind, received_at: datetime, given: date | None) -> Deadline:
    """The item's deadline: the date the instructing body named, else the kind's default limit."""
    if given is not None:
        provisional = calendar.is_provisional_day(given)
        return Deadline(end_of_local_day(given), provisional)
    return calendar.add_working_days(received_at, DEFAULT_LIMITS[kind])


def escalate_at(calendar: WorkCalendar, deadline_at: datetime) -> datetime:
    """One working day after the deadline the escalation reaches the bureau leader."""
    return end_of_local_day(calendar.shift_working_days(local_day(deadline_at), 1))


def step_due(calendar: WorkCalendar, item: SupervisedItem, step: str, now: datetime) -> Deadline:
    """A step's due time: its own limit when it has one, never later than the item's deadline."""
    item_due = Deadline(item.deadline_at, item.deadline_provisional)
    limit = STEP_LIMITS.get(step)
    if limit is None:
        return item_due
    own = calendar.add_working_days(now, limit)
    return own if own.due_at < item_due.due_at else item_due


def clock(calendar: WorkCalendar, item: SupervisedItem) -> dict[str, str]:
    """The timer data the process watches (UTC ISO strings)."""
    return {
        "deadline_at": item.deadline_at.isoformat(),
        "escalate_at": escalate_at(calendar, item.deadline_at).isoformat(),
    }
