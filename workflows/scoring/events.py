"""The events the ledger scores, read from the uniform records the toolkit writes for every family — the
overdue evidence, the subject projection, the clock history, 督办单, the audit trail — never from a family's
own tables. Each event has a stable key (its source record), a moment, and the squad and person it counts for.

Who an event counts for: a step's event for the squad that held the step and its assignee (or the actor who
completed it); a subject's event for its lead squad and handler, or, for families whose subject has none (追责
移送), for whom the family's descriptor holds accountable (`Family.accountable_of`).

Further sources (inspection findings, commendations) register with `source(...)`; each is a function
(session, now) -> iterable of Event.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from models.audit import AuditEntry
from models.deadlines import ClockEvent, OverdueRecord
from models.subjects import Subject, SupervisionOrder
from workflows import families
from workflows.petitions import months


@dataclass(frozen=True)
class Event:
    key: str
    code: str
    at: datetime
    source: str
    source_id: int | None
    family: str | None = None
    subject_id: int | None = None
    step: str | None = None
    squad_id: int | None = None
    person_id: int | None = None
    param: str = ""
    weight: Decimal = Decimal(1)
    note: str = ""


Source = Callable[[Session, datetime], Iterable[Event]]
_SOURCES: list[Source] = []


def source(fn: Source) -> Source:
    """Register one more source of events (e.g. inspection findings once their table exists)."""
    if fn not in _SOURCES:
        _SOURCES.append(fn)
    return fn


class Subjects:
    """Subject projection rows looked up once per rebuild: (family, subject_id) -> (squad, handler)."""

    def __init__(self, session: Session):
        self.session = session
        self.rows = {(r.family, r.subject_id): r for r in session.execute(
            select(Subject.family, Subject.subject_id, Subject.squad_id, Subject.handler_id, Subject.number))}
        self._accountable: dict[tuple[str, int], tuple[int | None, int | None]] = {}

    def number(self, family: str, subject_id: int) -> str:
        row = self.rows.get((family, subject_id))
        return row.number if row else ""

    def holder(self, family: str, subject_id: int) -> tuple[int | None, int | None]:
        row = self.rows.get((family, subject_id))
        if row is not None and (row.squad_id is not None or row.handler_id is not None):
            return row.squad_id, row.handler_id
        return self.accountable(family, subject_id)

    def accountable(self, family: str, subject_id: int) -> tuple[int | None, int | None]:
        key = (family, subject_id)
        if key not in self._accountable:
            fam = families.find(family)
            subject = self.session.get(fam.model, subject_id) if fam is not None else None
            self._accountable[key] = fam.responsible(subject) if subject is not None else (None, None)
        return self._accountable[key]


def _overdue(session: Session, subjects: Subjects, now: datetime) -> Iterable[Event]:
    for r in session.scalars(select(OverdueRecord).order_by(OverdueRecord.id)):
        whole = not r.step
        yield Event(f"overdue:{r.id}", "overdue_open" if whole else "step_overdue", r.due_at, "overdue", r.id,
                    r.family, r.subject_id, r.step or None, r.squad_id, r.assignee_id,
                    note=f"{subjects.number(r.family, r.subject_id)} {'' if whole else r.step_name}".strip())


def _closed_late(session: Session, subjects: Subjects, now: datetime) -> Iterable[Event]:
    query = select(Subject).where(Subject.closed_at.is_not(None), Subject.deadline_at.is_not(None),
                                  Subject.closed_at > Subject.deadline_at).order_by(Subject.id)
    for s in session.scalars(query):
        squad, person = subjects.holder(s.family, s.subject_id)
        yield Event(f"closed_late:{s.family}:{s.subject_id}", "overdue_closed", s.closed_at, "subject", s.id,
                    s.family, s.subject_id, None, squad, person, note=s.number)


def _orange(session: Session, subjects: Subjects, now: datetime) -> Iterable[Event]:
    query = select(ClockEvent).where(ClockEvent.kind == "level_changed", ClockEvent.note.like("%→ orange"))
    for e in session.scalars(query.order_by(ClockEvent.id)):
        squad, person = subjects.holder(e.family, e.subject_id)
        yield Event(f"clock:{e.id}", "level_orange", e.at, "clock", e.id, e.family, e.subject_id, None, squad,
                    person, note=subjects.number(e.family, e.subject_id))


def _orders(session: Session, subjects: Subjects, now: datetime) -> Iterable[Event]:
    for o in session.scalars(select(SupervisionOrder).order_by(SupervisionOrder.id)):
        person = subjects.holder(o.family, o.subject_id)[1]
        yield Event(f"order:{o.id}", "order_red", o.issued_at, "order", o.id, o.family, o.subject_id, None,
                    o.squad_id, person, note=o.number)
        late = o.answered_at > o.answer_due_at if o.answered_at is not None else now > o.answer_due_at
        if late:
            yield Event(f"order_late:{o.id}", "order_late", o.answer_due_at, "order", o.id, o.family, o.subject_id,
                        None, o.squad_id, person, note=o.number)


def _completions(session: Session, *where) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).where(AuditEntry.action == "complete", *where)
                                .order_by(AuditEntry.family, AuditEntry.subject_id, AuditEntry.seq)))


def _returns(session: Session, subjects: Subjects, now: datetime) -> Iterable[Event]:
    """A step returned at review counts for whoever completed the squad step before it on the same subject."""
    returns = _completions(session, AuditEntry.details["decision"].as_string() == "return")
    if not returns:
        return
    keys = {(e.family, e.subject_id) for e in returns}
    squad_steps: dict[tuple[str, int], list[AuditEntry]] = {}
    for e in _completions(session, AuditEntry.details["squad_id"].as_string().is_not(None)):
        if (e.family, e.subject_id) in keys:
            squad_steps.setdefault((e.family, e.subject_id), []).append(e)
    for e in returns:
        before = [s for s in squad_steps.get((e.family, e.subject_id), []) if s.seq < e.seq]
        if before:
            squad, person = before[-1].details.get("squad_id"), before[-1].actor_id
        else:
            squad, person = subjects.holder(e.family, e.subject_id)
        yield Event(f"returned:{e.id}", "step_returned", e.at, "audit", e.id, e.family, e.subject_id, e.step, squad,
                    person, note=f"{subjects.number(e.family, e.subject_id)} {e.summary}")


def _unsatisfied(session: Session, subjects: Subjects, now: datetime) -> Iterable[Event]:
    query = select(AuditEntry).where(AuditEntry.details["satisfaction"].as_string() == "unsatisfied")
    for e in session.scalars(query.order_by(AuditEntry.id)):
        squad, person = subjects.holder(e.family, e.subject_id)
        yield Event(f"unsatisfied:{e.id}", "callback_unsatisfied", e.at, "audit", e.id, e.family, e.subject_id, e.step,
                    squad, person, note=subjects.number(e.family, e.subject_id))


def _rectifications(session: Session, subjects: Subjects, now: datetime) -> Iterable[Event]:
    seen: dict[tuple[str, int], int] = {}
    for e in _completions(session, AuditEntry.step == "rectify"):
        n = seen[(e.family, e.subject_id)] = seen.get((e.family, e.subject_id), 0) + 1
        if n < 2:
            continue
        squad = e.details.get("squad_id") or subjects.holder(e.family, e.subject_id)[0]
        yield Event(f"rectify:{e.id}", "repeat_rectification", e.at, "audit", e.id, e.family, e.subject_id, e.step,
                    squad, e.actor_id, note=f"{subjects.number(e.family, e.subject_id)} 第 {n} 次整改")


def _outcomes(session: Session, subjects: Subjects, now: datetime) -> Iterable[Event]:
    """An accountability outcome recorded at a step (any family whose step records `outcome`); 不予处理 is not
    an upheld referral."""
    outcome = AuditEntry.details["outcome"].as_string()
    for e in _completions(session, and_(outcome.is_not(None), outcome != "no_action")):
        squad, person = subjects.accountable(e.family, e.subject_id)
        yield Event(f"outcome:{e.id}", "referral_upheld", e.at, "audit", e.id, e.family, e.subject_id, e.step,
                    squad, person, param=str(e.details.get("outcome")),
                    note=f"{subjects.number(e.family, e.subject_id)} {e.summary}")


def _on_time(session: Session, subjects: Subjects, now: datetime) -> Iterable[Event]:
    """Each squad's on-time rate (%) of the subjects it closed in each finished month (the bonus rule's
    threshold decides whether it earns points)."""
    query = select(Subject.squad_id, Subject.closed_at, Subject.deadline_at).where(
        Subject.closed_at.is_not(None), Subject.squad_id.is_not(None))
    closed: dict[tuple[int, str], list[int]] = {}
    for squad, closed_at, deadline in session.execute(query):
        tally = closed.setdefault((squad, months.of(closed_at)), [0, 0])
        tally[0] += 1
        tally[1] += deadline is None or closed_at <= deadline
    for (squad, month), (count, on_time) in sorted(closed.items()):
        start, end = months.bounds(month)
        if end > now:
            continue
        rate = (Decimal(100) * on_time / count).quantize(Decimal("0.1"))
        yield Event(f"on_time:{squad}:{month}", "on_time_rate", start, "period", None, squad_id=squad,
                    weight=rate, note=f"{month} 按期办结 {on_time}/{count}（{rate}%）")


BUILTIN = (_overdue, _closed_late, _orange, _orders, _returns, _unsatisfied, _rectifications, _outcomes, _on_time)


def collect(session: Session, now: datetime) -> list[Event]:
    """Every scorable event recorded up to now (the toolkit's records, then the registered sources)."""
    subjects = Subjects(session)
    found: list[Event] = []
    for read in BUILTIN:
        found.extend(e for e in read(session, subjects, now) if e.at <= now)
    for read in _SOURCES:
        found.extend(e for e in read(session, now) if e.at <= now)
    return found
