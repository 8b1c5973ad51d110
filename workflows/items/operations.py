"""Business actions on instructed items. Each takes the session, the acting user and the time,
changes the data, writes the timeline entry and flushes; the caller commits once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.engine import ProcessInstance, WorkItem
from models.items import FAMILY_INSTRUCTED, ItemKind, ItemStatus, SupervisedItem
from models.org import Role, Section, User
from workflows import audit, engine, families, notifications, numbering, steps, worklist
from workflows.access import can_act, can_view_item
from workflows.calendar import WorkCalendar, load_calendar
from workflows.deadlines.rules import load_book
from workflows.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from workflows.items import deadlines
from workflows.items.steps import HANDLERS, StepContext

PROCESS_ID = "instructed_item"
COORDINATION = "coordination"


@dataclass
class Registration:
    kind: ItemKind
    title: str
    instruction_text: str
    received_at: datetime
    source_doc_number: str = ""
    instructing_leader: str = ""
    deadline_on: date | None = None
    needs_study: bool = False


def _next_number(session: Session, now: datetime) -> str:
    return numbering.allocate(session, scope=FAMILY_INSTRUCTED, column=SupervisedItem.number,
                              prefix=lambda year: f"督{year}-", width=4, now=now)


def _placement(session: Session, calendar: WorkCalendar, item: SupervisedItem, now: datetime):
    coordination = session.scalar(select(Section.id).where(Section.code == COORDINATION))
    book = load_book(session, FAMILY_INSTRUCTED)

    def place(step: engine.ReadyStep) -> worklist.Placement:
        due = deadlines.step_due(calendar, item, step.step, now, book)
        common = {"due_at": due.due_at, "due_provisional": due.provisional}
        if step.group == "squad":
            assignee = None if step.step == "accept" else item.handler_id
            return worklist.Placement(squad_id=item.lead_squad_id, assignee_id=assignee, **common)
        if step.group == "coordination":
            return worklist.Placement(section_id=coordination, **common)
        return worklist.Placement(**common)

    return place


def _after_advance(session, item, instance, snapshot, calendar, now) -> None:
    worklist.sync(session, instance, snapshot, _placement(session, calendar, item, now), now,
                  (item.number, item.title))
    item.current_step_name = "、".join(s.name for s in snapshot.ready) if not snapshot.completed else "办结"
    if snapshot.completed:
        item.status = ItemStatus.CLOSED
        item.closed_at = now


def register_item(session: Session, *, actor: User, now: datetime, reg: Registration) -> SupervisedItem:
    if not actor.has(Role.COORDINATOR):
        raise PermissionDenied("只有协调科可以登记督办件")
    if reg.received_at > now:
        raise InvalidInput("收件时间不能晚于当前时间", "received_at")
    calendar = load_calendar(session)
    due = deadlines.item_deadline(calendar, reg.kind, reg.received_at, reg.deadline_on,
                                  load_book(session, FAMILY_INSTRUCTED))
    if due.due_at < reg.received_at:
        raise InvalidInput("办理期限不能早于收件日期", "deadline_on")
    item = SupervisedItem(
        number=_next_number(session, now), kind=int(reg.kind), title=reg.title.strip(),
        source_doc_number=reg.source_doc_number.strip(), instructing_leader=reg.instructing_leader.strip(),
        instruction_text=reg.instruction_text.strip(), received_at=reg.received_at, deadline_at=due.due_at,
        deadline_provisional=due.provisional, needs_study=reg.needs_study, status=ItemStatus.OPEN,
        deadline_basis="given" if reg.deadline_on else "rule",
        registered_by_id=actor.id, registered_at=now,
    )
    session.add(item)
    session.flush()
    version = engine.deploy(session, engine.get_process(PROCESS_ID), now)
    data = {
        "item_id": item.id, "kind": int(reg.kind), "needs_study": reg.needs_study,
        "needs_signoff": reg.kind.needs_signoff,
        "clock": deadlines.clock(calendar, item, load_book(session, FAMILY_INSTRUCTED)),
    }
    instance, snapshot = engine.start(session, version, FAMILY_INSTRUCTED, item.id, data, now)
    session.flush()
    item.instance_id = instance.id
    _after_advance(session, item, instance, snapshot, calendar, now)
    audit.record(session, actor=actor, now=now, family=FAMILY_INSTRUCTED, subject_id=item.id,
                 action="register", summary=f"登记督办件（{reg.kind.short_label}）",
                 details={"number": item.number, "deadline_at": item.deadline_at.isoformat()})
    return item


def get_visible_item(session: Session, actor: User, item_id: int) -> SupervisedItem:
    item = session.get(SupervisedItem, item_id)
    if item is None:
        raise NotFound("督办件不存在")
    if not can_view_item(actor, item):
        raise PermissionDenied("无权查看该督办件")
    return item


def open_work(session: Session, item: SupervisedItem) -> list[WorkItem]:
    return steps.open_work(session, FAMILY_INSTRUCTED, item.id)


def work_for(session: Session, actor: User, item: SupervisedItem, task_uuid: str) -> WorkItem:
    work = steps.find_work(session, FAMILY_INSTRUCTED, item.id, task_uuid)
    if not can_act(actor, work):
        raise PermissionDenied("该环节不由您办理")
    return work


def complete_step(
    session: Session, *, actor: User, now: datetime, item: SupervisedItem, task_uuid: str, values: dict
) -> SupervisedItem:
    """Complete one open step; a second completion of the same step gets Conflict, never a lost update."""
    families.lock(session, FAMILY_INSTRUCTED, item.id)
    work = work_for(session, actor, item, task_uuid)
    outcome = HANDLERS[work.step](StepContext(session, actor, now, item, values))
    instance, snapshot = steps.run_step(session, actor=actor, now=now, instance_id=item.instance_id, work=work,
                                        outcome=outcome)
    _after_advance(session, item, instance, snapshot, load_calendar(session), now)
    session.flush()
    return item


def claim(session: Session, *, actor: User, now: datetime, work_id: int) -> WorkItem:
    work = families.lock_work(session, work_id)
    if work is None:
        raise NotFound("待办不存在")
    if not can_act(actor, work):
        raise PermissionDenied("该环节不由您办理")
    if work.assignee_id not in (None, actor.id):
        raise Conflict("该环节已被他人签收")
    work.assignee_id = actor.id
    audit.record(session, actor=actor, now=now, family=work.family, subject_id=work.subject_id,
                 action="claim", step=work.step, summary=f"认领环节“{work.step_name}”")
    return work


def reassign(session: Session, *, actor: User, now: datetime, work_id: int, member_id: int) -> WorkItem:
    """A squad leader hands an open squad step (and the item's handling) to another member."""
    work = families.lock_work(session, work_id)
    if work is None:
        raise NotFound("待办不存在")
    if not actor.has(Role.SQUAD_LEADER) or work.step_group != "squad" or work.squad_id != actor.squad_id:
        raise PermissionDenied("只有本中队中队长可以转办")
    member = session.get(User, member_id)
    if member is None or member.squad_id != actor.squad_id or not member.active:
        raise InvalidInput("请选择本中队在岗人员", "member_id")
    work.assignee_id = member.id
    notifications.work_reassigned(session, work, now)
    if work.family == FAMILY_INSTRUCTED:
        item = session.get(SupervisedItem, work.subject_id)
        if item.handler_id is not None:
            item.handler_id = member.id
    audit.record(session, actor=actor, now=now, family=work.family, subject_id=work.subject_id,
                 action="reassign", step=work.step, summary=f"转办环节“{work.step_name}”给{member.name}",
                 details={"member_id": member.id})
    return work


def advance_timers(session: Session, *, now: datetime, instance: ProcessInstance) -> None:
    """Fire the instance's due timers (called by the scheduler) and rebuild its open work."""
    item = session.get(SupervisedItem, instance.subject_id)
    snapshot = engine.fire_timers(session, instance.id, now)
    _after_advance(session, item, instance, snapshot, load_calendar(session), now)
