"""Database access for the working calendar (reads/writes models.calendar; never commits)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.calendar import CalendarOverride, CalendarYear
from workflows import txcache
from workflows.calendar.workcalendar import WorkCalendar


def _require_aware_now(now: datetime) -> None:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now is a naive datetime; a timezone-aware datetime is required")


def load_calendar(session: Session) -> WorkCalendar:
    """A WorkCalendar from all overrides and all years marked complete (read once per settings stamp)."""
    return txcache.memo(session, "calendar",
                        lambda: txcache.stamped(session, "calendar", lambda: _read_calendar(session)))


def _read_calendar(session: Session) -> WorkCalendar:
    rows = session.execute(select(CalendarOverride.day, CalendarOverride.is_workday)).all()
    years = session.scalars(select(CalendarYear.year).where(CalendarYear.complete.is_(True))).all()
    return WorkCalendar({day: is_workday for day, is_workday in rows}, official_years=years)


def set_override(
    session: Session, *, day: date, is_workday: bool, note: str, actor_id: int | None, now: datetime
) -> CalendarOverride:
    """Create or replace the override for ``day``; created_by/created_at record the latest setter."""
    _require_aware_now(now)
    override = session.get(CalendarOverride, day)
    if override is None:
        override = CalendarOverride(day=day)
        session.add(override)
    override.is_workday = bool(is_workday)
    override.note = note or ""
    override.created_by_id = actor_id
    override.created_at = now
    session.flush()
    txcache.forget(session, "calendar")
    return override


def remove_override(session: Session, *, day: date) -> bool:
    """Delete the override for ``day`` (back to the official/weekend rule); True if one existed."""
    override = session.get(CalendarOverride, day)
    if override is None:
        return False
    session.delete(override)
    session.flush()
    txcache.forget(session, "calendar")
    return True


def mark_year_complete(
    session: Session, *, year: int, complete: bool, actor_id: int | None, now: datetime
) -> CalendarYear:
    """Mark (or unmark) the overrides of ``year`` as complete, making the year official."""
    _require_aware_now(now)
    record = session.get(CalendarYear, year)
    if record is None:
        record = CalendarYear(year=year)
        session.add(record)
    record.complete = bool(complete)
    record.marked_by_id = actor_id
    record.marked_at = now
    session.flush()
    txcache.forget(session, "calendar")
    return record
