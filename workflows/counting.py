"""Counter columns (urges, extensions, returns, ...) are incremented in SQL, never read-modify-write in Python:
simultaneous actions on one subject each count once."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value


def increment(session: Session, obj: Any, attr: str, by: int = 1) -> int:
    """`attr = attr + by` on the object's row; the object is given the new value without becoming dirty."""
    model = type(obj)
    column = getattr(model, attr)
    value = session.execute(update(model).where(model.id == obj.id).values({attr: column + by})
                            .returning(column)).scalar_one()
    set_committed_value(obj, attr, value)
    return value
