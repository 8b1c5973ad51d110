"""Deadlines of any family's subjects and of their steps, from the rule book and the working calendar."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from workflows.calendar import Deadline, WorkCalendar
from workflows.deadlines.rules import RuleBook
from workflows.families import Family


def subject_deadline(calendar: WorkCalendar, book: RuleBook, fam: Family, subject: Any) -> Deadline:
    """The subject's deadline by its kind's rule, counted from its start."""
    return book.item(fam.kind_of(subject)).due(calendar, fam.started_of(subject))


def current(subject: Any) -> Deadline | None:
    if subject.deadline_at is None:
        return None
    return Deadline(subject.deadline_at, bool(subject.deadline_provisional))


def step_due(calendar: WorkCalendar, book: RuleBook, fam: Family, subject: Any, step: str,
             opened_at: datetime) -> Deadline | None:
    """A step's due time: its own limit (from its opening, or from the subject's start) when it has one, never
    later than the subject's deadline; else the subject's deadline."""
    whole = current(subject)
    rule = book.step(fam.kind_of(subject), step)
    if rule is None:
        return whole
    start = fam.started_of(subject) if rule.counts_from == "subject" else opened_at
    own = rule.due(calendar, start)
    return own if whole is None or own.due_at < whole.due_at else whole
