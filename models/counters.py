"""Number counters: the last sequence number issued per scope (a family's registration numbers, letters) and
year. Incremented in SQL under the row's lock, so simultaneous registrations never share a number."""

from __future__ import annotations

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class NumberCounter(Base):
    __tablename__ = "number_counter"

    scope: Mapped[str] = mapped_column(String(32), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)
