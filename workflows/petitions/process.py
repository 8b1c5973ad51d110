"""Handling a petition on the engine: placement of open steps, completing steps, reopening for
rectification after a failed callback, and extending the conclude deadline."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.engine import WorkItem
from models.org import Role, Section, User
from models.petitions import FAMILY_PETITION, Petition
from workflows import audit, counting, engine, families, steps, worklist
from workflows.access import can_act
from workflows.calendar import WorkCalendar, load_calendar
from workflows.errors import Conflict, InvalidInput, PermissionDenied
from workflows.petitions import deadlines
from workflows.petitions.deadlines import DEFAULT_LIMITS, Limits
from workflows.petitions.steps import HANDLERS, StepContext

PROCESS_ID = "petition"
COORDINATION = "coordination"
DUE_STEPS = ("investigate", "reply")


def _placement(session: Session, calendar: WorkCalendar, petition: Petition, now: datetime, limits: Limits):
    coordination = session.scalar(select(Section.id).where(Section.code == COORDINATION))

    def place(step: engine.ReadyStep) -> worklist.Placement:
        due = deadlines.step_due(calendar, petition, step.step, now, limits)
        common = {"due_at": due.due_at, "due_provisional": due.provisional}
        if step.group == "squad":
            assignee = None if step.step == "accept" else petition.handler_id
            return worklist.Placement(squad_id=petition.squad_id, assignee_id=assignee, **common)
        return worklist.Placement(section_id=coordination, **common)

    return place


def in_repeat_chain(session: Session, petition: Petition) -> bool:
    if petition.repeat_of_id is not None:
        return True
    return bool(session.scalar(select(func.count(Petition.id)).where(Petition.chain_id == petition.chain_id)) > 1)


def work_title(petition: Petition, repeat: bool) -> str:
    """The title shown on worklists; repeats are flagged there too."""
    return ("【重复件】" if repeat else "") + f"{petition.category}：{petition.address}"


def after_advance(session, petition, instance, snapshot, calendar, now, limits: Limits) -> None:
    worklist.sync(session, instance, snapshot, _placement(session, calendar, petition, now, limits), now,
                  (petition.number, work_title(petition, in_repeat_chain(session, petition))))
    petition.current_step_name = "办结" if snapshot.completed else "、".join(s.name for s in snapshot.ready)
    if snapshot.completed:
        petition.status = "closed"
        petition.closed_at = now
        if petition.first_closed_at is None:
            petition.first_closed_at = now
            petition.closed_on_time = now <= petition.due_at


def open_work(session: Session, petition: Petition) -> list[WorkItem]:
    return steps.open_work(session, FAMILY_PETITION, petition.id)


def work_for(session: Session, actor: User, petition: Petition, task_uuid: str) -> WorkItem:
    work = steps.find_work(session, FAMILY_PETITION, petition.id, task_uuid)
    if not can_act(actor, work):
        raise PermissionDenied("该环节不由您办理")
    return work


def complete_step(session: Session, *, actor: User, now: datetime, petition: Petition, task_uuid: str,
                  values: dict, limits: Limits = DEFAULT_LIMITS) -> Petition:
    families.lock(session, FAMILY_PETITION, petition.id)
    work = work_for(session, actor, petition, task_uuid)
    outcome = HANDLERS[work.step](StepContext(session, actor, now, petition, values))
    instance, snapshot = steps.run_step(session, actor=actor, now=now, instance_id=petition.instance_id, work=work,
                                        outcome=outcome)
    after_advance(session, petition, instance, snapshot, load_calendar(session), now, limits)
    session.flush()
    return petition


def reopen(session: Session, *, actor: User, now: datetime, petition: Petition, reason: str,
           limits: Limits = DEFAULT_LIMITS) -> Petition:
    """Reopen a closed petition for rectification in the same chain, with a new deadline and a re-check."""
    if petition.status != "closed":
        raise Conflict("该信访件尚在办理中，无需重新整改")
    calendar = load_calendar(session)
    due = calendar.add_working_days(now, limits.rectify_days)
    petition.status, petition.closed_at = "open", None
    petition.rectify_due_at = due.due_at
    counting.increment(session, petition, "reopen_count")
    version = engine.deploy(session, engine.get_process(PROCESS_ID), now)
    instance, snapshot = engine.start(session, version, FAMILY_PETITION, petition.id,
                                      {"petition_id": petition.id, "reopen": True}, now)
    session.flush()
    petition.instance_id = instance.id
    after_advance(session, petition, instance, snapshot, calendar, now, limits)
    audit.record(session, actor=actor, now=now, family=FAMILY_PETITION, subject_id=petition.id, action="reopen",
                 summary="重新交办整改", opinion=reason, details={"rectify_due_at": due.due_at.isoformat()})
    return petition


def extend(session: Session, *, actor: User, now: datetime, petition: Petition, days: int, reason: str,
           limits: Limits = DEFAULT_LIMITS) -> Petition:
    """Extend the conclude deadline once, by at most `limits.max_extension_days` working days."""
    if not actor.has(Role.COORDINATOR):
        raise PermissionDenied("只有协调科可以批准延期")
    if petition.status != "open":
        raise Conflict("已办结的信访件不能延期")
    if petition.extended_due_at is not None:
        raise Conflict("该信访件已延期过一次")
    if not 1 <= days <= limits.max_extension_days:
        raise InvalidInput(f"延期天数应为 1～{limits.max_extension_days} 个工作日", "days")
    if not reason.strip():
        raise InvalidInput("请填写延期理由", "reason")
    due = load_calendar(session).add_working_days(petition.conclude_due_at, days)
    petition.extended_due_at = due.due_at
    for work in open_work(session, petition):
        if work.step in DUE_STEPS:
            work.due_at = due.due_at
    audit.record(session, actor=actor, now=now, family=FAMILY_PETITION, subject_id=petition.id, action="extend",
                 summary=f"延期 {days} 个工作日", opinion=reason.strip(),
                 details={"extended_due_at": due.due_at.isoformat()})
    return petition
