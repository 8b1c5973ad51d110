"""Operations state: the scheduler's heartbeat (one row per scheduler process name)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime


class SchedulerHeartbeat(Base):
    """Written by the scheduler at start and after every sweep; the web side reads its age for /readyz."""

    __tablename__ = "scheduler_heartbeat"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    host: Mapped[str] = mapped_column(String(200), default="")
    pid: Mapped[int] = mapped_column(Integer, default=0)
    interval_seconds: Mapped[int] = mapped_column(Integer, default=60)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    beat_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sweep_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sweep_seconds: Mapped[float | None] = mapped_column(Float)
    last_result: Mapped[str] = mapped_column(Text, default="")
