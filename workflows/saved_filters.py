"""Saved worklist filters: a user names the filter of a list; a shared one is offered to their whole unit."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import parse_qsl, urlencode

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from models.org import User
from models.subjects import SavedFilter
from workflows.errors import InvalidInput, NotFound
from workflows.worklists import LISTS

KEEP = {"family", "kind", "squad", "step", "level", "due", "due_from", "due_to", "registered_from", "registered_to",
        "q", "sort", "desc", "unread"}
MAX_PER_USER = 30


def clean_query(query: str) -> str:
    """Only the filter arguments of a list's query string (never a cursor or anything else)."""
    pairs = [(k, v) for k, v in parse_qsl(query or "", keep_blank_values=False) if k in KEEP and len(v) <= 100]
    return urlencode(pairs)


def save(session: Session, *, actor: User, now: datetime, list_name: str, name: str, query: str,
         shared: bool) -> SavedFilter:
    if list_name not in LISTS:
        raise InvalidInput("未知的列表", "list_name")
    name = (name or "").strip()
    if not name or len(name) > 40:
        raise InvalidInput("请填写筛选名称（不超过 40 字）", "name")
    query = clean_query(query)
    if not query:
        raise InvalidInput("当前没有可保存的筛选条件", "name")
    row = session.scalar(select(SavedFilter).where(SavedFilter.user_id == actor.id, SavedFilter.list_name == list_name,
                                                   SavedFilter.name == name))
    if row is None:
        if len(mine(session, actor, list_name)) >= MAX_PER_USER:
            raise InvalidInput(f"每个列表最多保存 {MAX_PER_USER} 个筛选", "name")
        row = SavedFilter(user_id=actor.id, list_name=list_name, name=name, created_at=now)
        session.add(row)
    row.query, row.shared, row.squad_id, row.section_id = query, shared, actor.squad_id, actor.section_id
    session.flush()
    return row


def mine(session: Session, user: User, list_name: str) -> list[SavedFilter]:
    return list(session.scalars(select(SavedFilter).where(SavedFilter.user_id == user.id,
                                                          SavedFilter.list_name == list_name)
                                .order_by(SavedFilter.name)))


def offered(session: Session, user: User, list_name: str) -> list[SavedFilter]:
    """The user's own filters of the list, and the ones colleagues of the same unit shared."""
    unit = []
    if user.squad_id is not None:
        unit.append(SavedFilter.squad_id == user.squad_id)
    if user.section_id is not None:
        unit.append(SavedFilter.section_id == user.section_id)
    shared = [SavedFilter.shared.is_(True), or_(*unit)] if unit else [False]
    from sqlalchemy import and_

    return list(session.scalars(select(SavedFilter).where(
        SavedFilter.list_name == list_name, or_(SavedFilter.user_id == user.id, and_(*shared)))
        .order_by(SavedFilter.user_id != user.id, SavedFilter.name)))


def remove(session: Session, *, actor: User, filter_id: int) -> None:
    if not session.execute(delete(SavedFilter).where(SavedFilter.id == filter_id,
                                                     SavedFilter.user_id == actor.id)).rowcount:
        raise NotFound("筛选不存在")
