"""SQLAlchemy models. Importing this package registers every table on Base.metadata."""

from models import (  # noqa: F401
    attachments,
    audit,
    calendar,
    cases,
    counters,
    deadlines,
    engine,
    inspections,
    items,
    meetings,
    notifications,
    ops,
    org,
    petitions,
    referrals,
    responsibility,
    scores,
    security,
    settings,
    subjects,
    webhooks,
)
from models.base import Base, UTCDateTime

__all__ = ["Base", "UTCDateTime"]
