"""Petition time limits. The 信访工作条例 (2022) figures are the rule book's defaults, not constants: 15 working
days to tell the petitioner whether it is accepted (counted from receipt), 60 to conclude, an extension of at
most 30; after a failed callback 15 to rectify and 5 for the re-check. `Limits` keeps what is not a clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from workflows.calendar import Deadline, WorkCalendar
from workflows.deadlines.rules import RuleBook

CONCLUDE_DAYS = 60
MAX_EXTENSION_DAYS = 30
STEP_LIMITS = {"assign": 1, "joint_study": 5, "accept": 15, "review": 3, "rectify": 15, "recheck": 5}
FROM_RECEIPT = frozenset({"accept"})


@dataclass(frozen=True)
class Limits:
    window_days: int = 365  # repeat detection looks this far back
    sample_percent: int = 20  # the monthly callback sample


DEFAULT_LIMITS = Limits()


def accept_deadline(calendar: WorkCalendar, book: RuleBook, received_at: datetime) -> Deadline:
    """The statutory accept notice: the 'accept' step's limit, counted from receipt."""
    return book.step(0, "accept").due(calendar, received_at)


def rectify_deadline(calendar: WorkCalendar, book: RuleBook, now: datetime) -> Deadline:
    return book.step(0, "rectify").due(calendar, now)
