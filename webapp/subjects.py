"""Links from generic rows (work items, audit entries) to the page of their subject, per family."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from models.items import FAMILY_INSTRUCTED, SupervisedItem

FAMILY_LABELS = {FAMILY_INSTRUCTED: "批示件"}
_ENDPOINTS: dict[str, tuple[str, str]] = {FAMILY_INSTRUCTED: ("items.show", "item_id")}
_LOADERS: dict[str, Callable[[Session, set[int]], dict[int, tuple[str, str]]]] = {}


def register(family: str, label: str, endpoint: str, arg: str, loader) -> None:
    """Other families (petitions, major cases, referrals) add their pages here."""
    FAMILY_LABELS[family] = label
    _ENDPOINTS[family] = (endpoint, arg)
    _LOADERS[family] = loader


def url_for_subject(family: str, subject_id: int) -> str | None:
    if family not in _ENDPOINTS:
        return None
    endpoint, arg = _ENDPOINTS[family]
    return url_for(endpoint, **{arg: subject_id})


def _load_items(db: Session, ids: set[int]) -> dict[int, tuple[str, str]]:
    rows = db.execute(select(SupervisedItem.id, SupervisedItem.number, SupervisedItem.title)
                      .where(SupervisedItem.id.in_(ids)))
    return {r.id: (r.number, r.title) for r in rows}


_LOADERS[FAMILY_INSTRUCTED] = _load_items


def labels(db: Session, pairs: Iterable[tuple[str, int]]) -> dict[tuple[str, int], tuple[str, str]]:
    """(family, id) -> (number, title) for many subjects in one query per family."""
    wanted: dict[str, set[int]] = {}
    for family, subject_id in pairs:
        wanted.setdefault(family, set()).add(subject_id)
    found = {}
    for family, ids in wanted.items():
        loader = _LOADERS.get(family)
        if loader:
            found.update({(family, i): v for i, v in loader(db, ids).items()})
    return found
