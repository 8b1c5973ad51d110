"""In-app notifications (each with a unique key, so none is ever created twice) and e-mail settings."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime

NOTIFICATION_KINDS = ("assigned", "returned", "urged", "warning", "overdue", "escalated", "extension", "clock",
                      "system")


class Notification(Base):
    __tablename__ = "notification"
    __table_args__ = (
        CheckConstraint("email_status IN ('none', 'pending', 'sending', 'sent', 'failed')", name="email_values"),
        Index("ix_notification_user_read", "user_id", "read_at"),
        Index("ix_notification_email", "email_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    kind: Mapped[str] = mapped_column(String(16))
    level: Mapped[str] = mapped_column(String(16), default="info")
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    family: Mapped[str | None] = mapped_column(String(32))
    subject_id: Mapped[int | None] = mapped_column(Integer)
    task_uuid: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    email_status: Mapped[str] = mapped_column(String(16), default="none")
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class NotificationSetting(Base):
    """A user's e-mail address for notifications (optional; e-mail is sent only when SMTP is configured)."""

    __tablename__ = "notification_setting"

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), primary_key=True)
    email: Mapped[str] = mapped_column(String(200), default="")
    email_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
