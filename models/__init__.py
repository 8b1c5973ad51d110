"""SQLAlchemy models. Importing this package registers every table on Base.metadata."""

from models import attachments, audit, calendar, engine, items, org  # noqa: F401
from models.base import Base, UTCDateTime

__all__ = ["Base", "UTCDateTime"]
