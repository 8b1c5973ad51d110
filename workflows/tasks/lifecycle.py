"""Starting a subject's process and following every engine advance: the open-work projection (where each step
sits, who holds it, its due time), the subject's status and current step, its colour and its projection row."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from models.engine import ProcessInstance, WorkItem
from models.org import Section, User
from workflows import audit, engine, subjects, txcache, worklist
from workflows.calendar import load_calendar
from workflows.deadlines import compute, ladder
from workflows.deadlines.rules import book_for
from workflows.families import Family
from workflows.numbering import allocate
from workflows.tasks import assignments, parts

COORDINATION = "coordination"


def number_for(session: Session, fam: Family, now: datetime) -> str:
    return allocate(session, scope=fam.name, column=fam.model.number, prefix=fam.number_prefix,
                    width=fam.number_width, now=now)


def _section_id(session: Session, code_or_id) -> int | None:
    if code_or_id is None or isinstance(code_or_id, int):
        return code_or_id
    ids = txcache.stamped(session, "sections", lambda: dict(session.execute(select(Section.code, Section.id)).all()))
    return ids.get(code_or_id)


def placement(session: Session, fam: Family, subject: Any, now: datetime):
    """Where each newly opened step sits: the lead squad (its handler, except steps offered to the whole squad),
    the coordination section, a named section, or the leaders; due by the rule book."""
    calendar, book = load_calendar(session), book_for(session, fam.name, subject)
    coordination = _section_id(session, COORDINATION)

    def place(step: engine.ReadyStep) -> worklist.Placement:
        due = compute.step_due(calendar, book, fam, subject, step.step, now)
        common = {"due_at": due.due_at, "due_provisional": due.provisional} if due else {}
        if step.co_squad is not None:  # a co-squad's branch: its squad, its handler, its own limit
            part = parts.place(session, fam, subject, step.co_squad, now)
            assignee = None if step.step == "co_accept" else part.handler_id
            return worklist.Placement(squad_id=part.squad_id, assignee_id=assignee, due_at=part.due_at,
                                      due_provisional=part.due_provisional)
        if step.group == "squad":
            assignee = None if step.step in fam.unassigned_steps else fam.handler_of(subject)
            return worklist.Placement(squad_id=fam.squad_of(subject), assignee_id=assignee, **common)
        if step.group == "coordination":
            return worklist.Placement(section_id=coordination, **common)
        if step.group == "section":
            return worklist.Placement(section_id=_section_id(session, fam.section_of(subject, step.step)), **common)
        return worklist.Placement(**common)

    return place


def after_advance(session: Session, fam: Family, subject: Any, instance: ProcessInstance, snapshot, now: datetime,
                  opened_by: str | None = None) -> None:
    """Rebuild open work, then the subject's status, colour and projection, after any engine advance. The steps of
    a called process (BPMN call activity) belong to the called family's subject, named by the call's input: each
    owner's part of the snapshot is projected on its own subject, whichever of them acted."""
    if not snapshot.calls:
        _advance_one(session, fam, subject, instance, snapshot, now, opened_by)
        return
    for part_fam, part_subject, part in _parts(session, fam, subject, instance, snapshot):
        _advance_one(session, part_fam, part_subject, instance, part, now, opened_by)


def _same(fam: Family, subject: Any, name: str, subject_id: Any) -> bool:
    return fam.name == name and subject.id == subject_id


def _parts(session: Session, fam: Family, subject: Any, instance: ProcessInstance, snapshot):
    from workflows import families

    owner_fam = families.get(instance.family)
    owner = subject if _same(fam, subject, instance.family, instance.subject_id) \
        else session.get(owner_fam.model, instance.subject_id)
    theirs, parts, waiting = set(), [], []
    for call in snapshot.calls:
        called = families.called(call.process)
        if called is None:
            continue
        key = call.inputs.get(called.call_key)
        target = subject if _same(fam, subject, called.name, key) else session.get(called.model, key or 0)
        theirs |= call.tasks
        if target is None or (call.completed and target.status == "closed"):
            continue
        if not call.completed:
            waiting.append(called.label)
        was = None if snapshot.was_ready is None else snapshot.was_ready & call.tasks
        parts.append((called, target, replace(snapshot, ready=[s for s in snapshot.ready if s.task_uuid in call.tasks],
                                              was_ready=was, completed=call.completed, calls=[])))
    was = None if snapshot.was_ready is None else snapshot.was_ready - theirs
    own = replace(snapshot, ready=[s for s in snapshot.ready if s.task_uuid not in theirs], was_ready=was, calls=[],
                  waiting=waiting)
    return [(owner_fam, owner, own), *parts]


def _advance_one(session: Session, fam: Family, subject: Any, instance: ProcessInstance, snapshot, now: datetime,
                 opened_by: str | None) -> None:
    worklist.sync(session, instance, snapshot, placement(session, fam, subject, now), now, fam.label_of(subject),
                  opened_by=opened_by, subject=subject, fam=fam)
    names = [s.name for s in snapshot.ready] + list(snapshot.waiting)
    subject.current_step_name = "办结" if snapshot.completed else "、".join(dict.fromkeys(names))
    if snapshot.completed:
        subject.status, subject.closed_at, subject.next_alert_at = "closed", now, None
    if fam.on_advance is not None:
        fam.on_advance(session, subject, snapshot, now)
    if snapshot.completed:
        subjects.project(session, fam, subject, now)
    else:
        ladder.update_level(ladder.Context(session), fam, subject, now)


def relabel(session: Session, fam: Family, subject: Any, now: datetime) -> None:
    """The subject's number or title changed (e.g. confirmed as a repeat): its open work and projection follow."""
    number, title = fam.label_of(subject)
    session.execute(update(WorkItem).where(WorkItem.family == fam.name, WorkItem.subject_id == subject.id)
                    .values(subject_number=number, subject_title=title[:200]))
    subjects.project(session, fam, subject, now)


def start(session: Session, fam: Family, subject: Any, *, actor: User | None, now: datetime, summary: str,
          details: dict | None = None, data: dict | None = None, action: str = "register") -> Any:
    """Start the family's process for a new (or reopened) subject, project it and write the audit entry."""
    session.flush()
    version = engine.deploy(session, engine.get_process(fam.process_id), now)
    data = dict(data or fam.start_data(subject))
    if fam.co_squad_activity is not None:
        data.setdefault("co_squads", [])  # the multi-instance collection: filled at 交办
    instance, snapshot = engine.start(session, version, fam.name, subject.id, data, now)
    session.flush()
    subject.instance_id = instance.id
    assignments.record(session, fam, subject, from_squad_id=None, actor=actor, now=now)
    after_advance(session, fam, subject, instance, snapshot, now)
    audit.record(session, actor=actor, now=now, family=fam.name, subject_id=subject.id, action=action,
                 summary=summary, details={"number": subject.number, **(details or {})})
    return subject
