"""SQLAlchemy models. Importing this package registers every table on Base.metadata."""

from models import (  # noqa: F401
    attachments,
    audit,
    calendar,
    deadlines,
    engine,
    items,
    notifications,
    org,
    petitions,
)
from models.base import Base, UTCDateTime

__all__ = ["Base", "UTCDateTime"]
