"""The worklists of every family (待办, 已办, 我登记的, 抄送我的, 我委派的): one filter set, CJK substring search,
sortable columns and keyset paging, over the open-work and subject projections (never a workflow)."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, func, literal, or_, select
from sqlalchemy.orm import Session

from models.audit import AuditEntry
from models.base import UTCDateTime
from models.engine import WorkItem
from models.org import User
from models.subjects import FollowUp, Subject, SubjectCc
from workflows.access import my_work_query
from workflows.calendar import end_of_local_day

LISTS = ("todo", "done", "registered", "cc", "delegated")
LIST_LABELS = {"todo": "待办", "done": "已办", "registered": "我登记的", "cc": "抄送我的", "delegated": "我委派的"}
PAGE_SIZE = 50
NEAR = timedelta(hours=24)
FAR = datetime(9999, 1, 1, tzinfo=UTC)
MAX_QUERY = 50


@dataclass
class Filters:
    family: str = ""
    kind: int | None = None
    squad: int | None = None
    step: str = ""
    level: str = ""
    due: str = ""  # 'near' (临期) | 'overdue' (超期)
    due_from: date | None = None
    due_to: date | None = None
    registered_from: date | None = None
    registered_to: date | None = None
    q: str = ""
    sort: str = ""
    desc: bool | None = None
    unread: bool = False

    def active(self) -> bool:
        return any(getattr(self, name) not in (None, "", False) for name in
                   ("family", "kind", "squad", "step", "level", "due", "due_from", "due_to", "registered_from",
                    "registered_to", "q", "unread"))


@dataclass
class Row:
    """One line of a worklist: the subject, and the open step (todo, delegated) or the completion (done)."""

    subject: Subject
    work: WorkItem | None = None
    entry: AuditEntry | None = None
    cc: SubjectCc | None = None
    follow_up: FollowUp | None = None
    names: dict[int, str] = field(default_factory=dict)


@dataclass
class Page:
    rows: list[Row]
    next_cursor: str | None
    total: int


@dataclass(frozen=True)
class Sort:
    column: Any  # SQL expression
    descending: bool
    label: str


def _subject_join(query: Select, family_col, subject_col) -> Select:
    return query.join(Subject, and_(Subject.family == family_col, Subject.subject_id == subject_col))


def _due_column(name: str):
    return WorkItem.due_at if name in ("todo", "delegated") else Subject.deadline_at


def _range(column, start: date | None, end: date | None) -> list:
    found = []
    if start is not None:
        found.append(column >= end_of_local_day(start) - timedelta(days=1) + timedelta(seconds=1))
    if end is not None:
        found.append(column <= end_of_local_day(end))
    return found


def _conditions(name: str, f: Filters, now: datetime) -> list:
    found: list = []
    if f.family:
        found.append(Subject.family == f.family)
    if f.kind is not None:
        found.append(Subject.kind == f.kind)
    if f.squad is not None:
        found.append((WorkItem.squad_id if name in ("todo", "delegated") else Subject.squad_id) == f.squad)
    if f.step:
        found.append((AuditEntry.step if name == "done" else WorkItem.step) == f.step)
    if f.level:
        found.append(Subject.level == f.level)
    due = _due_column(name)
    if f.due == "overdue":
        found += [due < now] + ([Subject.status == "open"] if name not in ("todo", "delegated") else [])
    elif f.due == "near":
        found += [due >= now, due < now + NEAR]
    found += _range(due, f.due_from, f.due_to) + _range(Subject.registered_at, f.registered_from, f.registered_to)
    q = (f.q or "").strip()[:MAX_QUERY]
    if q:
        found.append(Subject.search_text.like(f"%{_escape(q)}%", escape="\\"))
    if name == "cc" and f.unread:
        found.append(SubjectCc.read_at.is_(None))
    return found


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


SORTS = {
    "todo": {"due": ("期限", False), "registered": ("登记时间", True), "number": ("编号", False)},
    "done": {"at": ("办理时间", True), "number": ("编号", False)},
    "registered": {"registered": ("登记时间", True), "deadline": ("期限", False), "number": ("编号", False)},
    "cc": {"cc_at": ("抄送时间", True), "deadline": ("期限", False)},
    "delegated": {"delegated": ("委派时间", True), "due": ("期限", False)},
}


def _sort_column(name: str, key: str):
    return {
        "due": func.coalesce(WorkItem.due_at, literal(FAR, UTCDateTime)),
        "registered": Subject.registered_at, "number": Subject.number, "at": AuditEntry.at,
        "deadline": func.coalesce(Subject.deadline_at, literal(FAR, UTCDateTime)), "cc_at": SubjectCc.cc_at,
        "delegated": WorkItem.delegated_at,
    }[key]


def sort_for(name: str, f: Filters) -> Sort:
    options = SORTS[name]
    key = f.sort if f.sort in options else next(iter(options))
    label, default_desc = options[key]
    return Sort(_sort_column(name, key), default_desc if f.desc is None else f.desc, label)


def _base(name: str, user: User, now: datetime) -> tuple[Select, Any]:
    """The list's query (selecting the entities of a Row) and its unique id column."""
    if name == "todo":
        mine = my_work_query(user).order_by(None).subquery()
        query = select(WorkItem, Subject, FollowUp).join(mine, mine.c.id == WorkItem.id)
        query = _subject_join(query, WorkItem.family, WorkItem.subject_id).outerjoin(
            FollowUp, and_(FollowUp.task_uuid == WorkItem.task_uuid, FollowUp.user_id == user.id))
        return query, WorkItem.id
    if name == "delegated":
        query = _subject_join(select(WorkItem, Subject), WorkItem.family, WorkItem.subject_id)
        return query.where(WorkItem.owner_id == user.id), WorkItem.id
    if name == "done":
        withdrawn = select(AuditEntry.details["entry_id"].as_integer()).where(AuditEntry.action == "withdraw")
        query = _subject_join(select(AuditEntry, Subject), AuditEntry.family, AuditEntry.subject_id)
        return query.where(AuditEntry.actor_id == user.id, AuditEntry.action == "complete",
                           AuditEntry.id.not_in(withdrawn.scalar_subquery())), AuditEntry.id
    if name == "cc":
        query = _subject_join(select(SubjectCc, Subject), SubjectCc.family, SubjectCc.subject_id)
        return query.where(SubjectCc.user_id == user.id), SubjectCc.id
    return select(Subject).where(Subject.registered_by_id == user.id), Subject.id


def encode_cursor(value: Any, row_id: int) -> str:
    raw = value.isoformat() if isinstance(value, datetime) else value
    return base64.urlsafe_b64encode(json.dumps([raw, row_id]).encode()).decode()


def decode_cursor(cursor: str | None) -> tuple[Any, int] | None:
    """The (sort value, id) a page continues after; None for the first page or a malformed cursor."""
    if not cursor:
        return None
    try:
        value, row_id = json.loads(base64.urlsafe_b64decode(cursor.encode()[:400]))
        if not isinstance(row_id, int) or not isinstance(value, str | int | float):
            return None
        if isinstance(value, str) and len(value) >= 19 and value[4] == "-" and "T" in value:
            value = datetime.fromisoformat(value)
        return value, row_id
    except (ValueError, TypeError, json.JSONDecodeError, UnicodeDecodeError):
        return None


def _after(sort: Sort, unique, cursor: tuple[Any, int]):
    value, row_id = cursor
    if sort.descending:
        return or_(sort.column < value, and_(sort.column == value, unique < row_id))
    return or_(sort.column > value, and_(sort.column == value, unique > row_id))


def query(name: str, user: User, f: Filters, now: datetime) -> tuple[Select, Sort, Any]:
    base, unique = _base(name, user, now)
    return base.where(*_conditions(name, f, now)), sort_for(name, f), unique


def _row(name: str, found) -> Row:
    if name == "todo":
        work, subject, follow = found
        return Row(subject, work=work, follow_up=follow)
    if name == "delegated":
        return Row(found[1], work=found[0])
    if name == "done":
        return Row(found[1], entry=found[0])
    if name == "cc":
        return Row(found[1], cc=found[0])
    return Row(found[0])


def page(session: Session, name: str, user: User, f: Filters, now: datetime, cursor: str | None = None,
         size: int = PAGE_SIZE) -> Page:
    """One page of the list after `cursor` (keyset: stable while rows are added or closed)."""
    q, sort, unique = query(name, user, f, now)
    total = session.scalar(select(func.count()).select_from(q.order_by(None).subquery())) or 0
    after = decode_cursor(cursor)
    if after is not None:
        q = q.where(_after(sort, unique, after))
    ordered = q.add_columns(sort.column.label("sort_value"), unique.label("row_id")).order_by(
        sort.column.desc() if sort.descending else sort.column, unique.desc() if sort.descending else unique)
    found = session.execute(ordered.limit(size + 1)).all()
    rows = [_row(name, r[:-2]) for r in found[:size]]
    next_cursor = encode_cursor(found[size - 1].sort_value, found[size - 1].row_id) if len(found) > size else None
    return Page(rows, next_cursor, total)


def all_rows(session: Session, name: str, user: User, f: Filters, now: datetime, batch: int = 500):
    """Every matching row in list order, streamed (for the .xlsx export)."""
    q, sort, unique = query(name, user, f, now)
    ordered = q.order_by(sort.column.desc() if sort.descending else sort.column,
                         unique.desc() if sort.descending else unique)
    for found in session.execute(ordered.execution_options(yield_per=batch)):
        yield _row(name, found)


def follow_ups_due(session: Session, user: User, now: datetime) -> list[Row]:
    """The user's open steps whose follow-up date has arrived: they rise to the top of 待办."""
    query = _subject_join(select(WorkItem, Subject, FollowUp).join(FollowUp, FollowUp.task_uuid == WorkItem.task_uuid),
                          WorkItem.family, WorkItem.subject_id)
    found = session.execute(query.where(FollowUp.user_id == user.id, FollowUp.follow_up_at <= now)
                            .order_by(FollowUp.follow_up_at, WorkItem.id).limit(50)).all()
    return [Row(subject, work=work, follow_up=follow) for work, subject, follow in found]


def counts(session: Session, user: User) -> dict[str, int]:
    """The navigation badges: open steps, unread CCs, steps delegated out."""
    todo = my_work_query(user).order_by(None).subquery()
    return {
        "todo": session.scalar(select(func.count()).select_from(todo)) or 0,
        "cc": session.scalar(select(func.count(SubjectCc.id)).where(SubjectCc.user_id == user.id,
                                                                   SubjectCc.read_at.is_(None))) or 0,
        "delegated": session.scalar(select(func.count(WorkItem.id)).where(WorkItem.owner_id == user.id)) or 0,
    }
