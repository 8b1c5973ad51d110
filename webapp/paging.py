"""Offset paging for the lists: a bounded page number and a unique last sort key, so that walking the
pages shows every row exactly once (deadlines and dates tie; without a unique key rows repeat or vanish)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import request
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

PAGE_SIZE = 50
MAX_PAGE = 100_000


@dataclass
class Page:
    rows: list[Any]
    total: int
    page: int
    pages: int


def page_number() -> int:
    """The `page` query argument, 1 when absent or malformed, never beyond MAX_PAGE."""
    value = request.args.get("page", 1, type=int) or 1
    return min(max(value, 1), MAX_PAGE)


def paginate(db: Session, query: Select, *order, unique, size: int = PAGE_SIZE) -> Page:
    """Rows of the requested page ordered by `order` and then by the `unique` column (normally the id)."""
    page = page_number()
    total = db.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    rows = list(db.scalars(query.order_by(*order, unique).offset((page - 1) * size).limit(size)))
    return Page(rows, total, page, max((total + size - 1) // size, 1))
