"""The clock of responsibility for any family: a co-squad's own limit (协办时限) and the window in which a squad
may return a subject (退单时限). Both come from the rule book (pseudo-steps `co_squad` and `return_window`, which
administrators override like any step rule); the defaults: a co-squad gets two thirds of the subject's limit
(at least one working day, so the lead has time to put the answers together), a return 1 working day after
assignment."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from workflows.calendar import Deadline, WorkCalendar
from workflows.deadlines.rules import Rule, RuleBook
from workflows.families import Family

CO_SQUAD_STEP = "co_squad"
RETURN_STEP = "return_window"
RETURN_WORKDAYS = 1


def co_squad_rule(book: RuleBook, fam: Family, subject: Any) -> Rule:
    kind = fam.kind_of(subject)
    row = book.row(kind, CO_SQUAD_STEP)
    if row is not None:
        return book.step(kind, CO_SQUAD_STEP)
    whole = book.item(kind)
    return replace(whole, amount=max(1, whole.amount * 2 // 3), counts_from="step")


def co_squad_due(calendar: WorkCalendar, book: RuleBook, fam: Family, subject: Any, opened_at: datetime) -> Deadline:
    """A co-squad's deadline from the moment its branch opens, never after the subject's own deadline."""
    own = co_squad_rule(book, fam, subject).due(calendar, opened_at)
    if subject.deadline_at is not None and subject.deadline_at < own.due_at:
        return Deadline(subject.deadline_at, bool(subject.deadline_provisional))
    return own


def return_deadline(calendar: WorkCalendar, book: RuleBook, fam: Family, subject: Any,
                    assigned_at: datetime) -> Deadline:
    """Until when the squad that got the subject at `assigned_at` may return it."""
    row = book.row(fam.kind_of(subject), RETURN_STEP)
    rule = book.step(fam.kind_of(subject), RETURN_STEP) if row is not None else Rule(RETURN_WORKDAYS)
    return rule.due(calendar, assigned_at)
