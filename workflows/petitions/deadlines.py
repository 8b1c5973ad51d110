"""Petition time limits (信访工作条例: 15 days to tell the petitioner it is accepted, 60 to conclude,
extension up to 30), in working days by default; all configurable through `Limits`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from models.petitions import Petition
from workflows.calendar import Deadline, WorkCalendar


@dataclass(frozen=True)
class Limits:
    accept_days: int = 15
    conclude_days: int = 60
    max_extension_days: int = 30
    rectify_days: int = 15
    recheck_days: int = 5
    window_days: int = 365
    sample_percent: int = 20


DEFAULT_LIMITS = Limits()
# Steps with a limit of their own (working days from the moment the step opens).
STEP_LIMITS = {"assign": 1, "joint_study": 5, "accept": 2, "review": 3}


def petition_deadlines(calendar: WorkCalendar, received_at: datetime, limits: Limits) -> tuple[Deadline, Deadline]:
    """(accept-notice deadline, conclude deadline), counted from the day after receipt."""
    return (calendar.add_working_days(received_at, limits.accept_days),
            calendar.add_working_days(received_at, limits.conclude_days))


def _earlier(a: Deadline, b: Deadline) -> Deadline:
    return a if a.due_at < b.due_at else b


def step_due(calendar: WorkCalendar, petition: Petition, step: str, now: datetime, limits: Limits) -> Deadline:
    """A step's due time: its own limit when it has one, never later than the deadline it serves."""
    conclude = Deadline(petition.due_at, petition.deadline_provisional)
    if step == "rectify" and petition.rectify_due_at is not None:
        return Deadline(petition.rectify_due_at, False)
    if step == "recheck":
        return calendar.add_working_days(now, limits.recheck_days)
    limit = STEP_LIMITS.get(step)
    if limit is None:
        return conclude
    own = calendar.add_working_days(now, limit)
    if step == "accept":
        return _earlier(own, Deadline(petition.accept_due_at, petition.deadline_provisional))
    return _earlier(own, conclude)
