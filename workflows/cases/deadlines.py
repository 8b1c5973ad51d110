"""Major-case supervision limits (rule-book defaults): the supervision itself, the review steps, and the
rectification period the coordination section sets when problems are found."""

from __future__ import annotations

from datetime import datetime

from workflows.calendar import Deadline, WorkCalendar

SUPERVISION_DAYS = 20  # to review the five points and conclude
STEP_LIMITS = {"review_points": 3, "legal_opinion": 3, "verify": 3}
DEFAULT_RECTIFY_DAYS = 10
MAX_RECTIFY_DAYS = 60


def rectify_deadline(calendar: WorkCalendar, now: datetime, days: int) -> Deadline:
    return calendar.add_working_days(now, days)
