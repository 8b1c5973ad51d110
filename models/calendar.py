"""Working-calendar administration: per-day overrides and years whose overrides are complete."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime


class CalendarOverride(Base):
    """An administrator decision that a given day is a workday (True) or a day off (False).

    Overrides take precedence over the official calendar (chinese_calendar) and the weekend rule.
    """

    __tablename__ = "calendar_override"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    is_workday: Mapped[bool] = mapped_column(Boolean, nullable=False)
    note: Mapped[str] = mapped_column(String(200), nullable=False, default="", server_default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)

    def __repr__(self) -> str:
        return f"<CalendarOverride {self.day} workday={self.is_workday}>"


class CalendarYear(Base):
    """A year for which administrators declared the overrides complete (makes it non-provisional)."""

    __tablename__ = "calendar_year"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    complete: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False, server_default=false())
    marked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), nullable=True)
    marked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    def __repr__(self) -> str:
        return f"<CalendarYear {self.year} complete={self.complete}>"
