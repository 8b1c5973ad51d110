"""Due times of major-case steps, from the working-day calendar."""

from __future__ import annotations

from datetime import datetime

from models.cases import MajorCase
from workflows.calendar import Deadline, WorkCalendar

# Working days a step may take from the moment it opens; rectification runs to the case's deadline.
STEP_LIMITS = {"review_points": 3, "legal_opinion": 3, "verify": 3}
DEFAULT_RECTIFY_DAYS = 10
MAX_RECTIFY_DAYS = 60


def rectify_deadline(calendar: WorkCalendar, now: datetime, days: int) -> Deadline:
    return calendar.add_working_days(now, days)


def step_due(calendar: WorkCalendar, case: MajorCase, step: str, now: datetime) -> Deadline | None:
    if step == "rectify" and case.deadline_at is not None:
        return Deadline(case.deadline_at, case.deadline_provisional)
    limit = STEP_LIMITS.get(step)
    return calendar.add_working_days(now, limit) if limit else None
