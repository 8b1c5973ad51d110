"""A stamp that changes whenever a rarely changing settings table does (the working calendar, the clock rules,
the sections): database triggers set a new random token, so a process may keep those tables in memory for as
long as the stamp it read is the current one."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base

WATCHED_TABLES = ("calendar_override", "calendar_year", "clock_rule", "section")


class SettingsStamp(Base):
    __tablename__ = "settings_stamp"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(40))
