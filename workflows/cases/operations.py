"""Business actions on major-case supervisions. Each takes the session, the acting user and the time,
changes the data, writes the timeline entry and flushes; the caller commits once."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.cases import (
    FAMILY_MAJOR_CASE,
    STAGE_LABELS,
    CasePoint,
    CaseStatus,
    MajorCase,
    PointCheck,
    SupervisionForm,
    SupervisionRecord,
)
from models.engine import WorkItem
from models.org import Section, Squad, User
from workflows import audit, engine, families, numbering, steps, worklist
from workflows.access import can_act
from workflows.calendar import WorkCalendar, load_calendar
from workflows.cases import deadlines
from workflows.cases.access import can_supervise, can_view_case
from workflows.cases.steps import HANDLERS, StepContext
from workflows.errors import Conflict, InvalidInput, NotFound, PermissionDenied

PROCESS_ID = "major_case"
RECORD_FORMS = (SupervisionForm.ONSITE, SupervisionForm.MEETING, SupervisionForm.PHONE)


@dataclass
class Opening:
    title: str
    violation: str
    squad_id: int
    forms: list[str] = field(default_factory=list)
    case_number: str = ""
    parties: str = ""
    stage: str = ""
    social_impact: bool = False
    handler_id: int | None = None
    matters: str = ""


@dataclass
class RecordInput:
    form: str
    held_at: datetime
    people: str
    content: str
    decisions: str = ""


def _next_number(session: Session, now: datetime) -> str:
    return numbering.allocate(session, scope=FAMILY_MAJOR_CASE, column=MajorCase.number,
                              prefix=lambda year: f"案督{year}-", width=4, now=now)


def _section_id(session: Session, code: str) -> int | None:
    return session.scalar(select(Section.id).where(Section.code == code))


def _placement(session: Session, calendar: WorkCalendar, case: MajorCase, now: datetime):
    sections = {code: _section_id(session, code) for code in ("coordination", "legal")}

    def place(step: engine.ReadyStep) -> worklist.Placement:
        due = deadlines.step_due(calendar, case, step.step, now)
        common = {"due_at": due.due_at, "due_provisional": due.provisional} if due else {}
        if step.group == "squad":
            return worklist.Placement(squad_id=case.squad_id, **common)
        if step.group == "section":
            return worklist.Placement(section_id=sections["legal"], **common)
        return worklist.Placement(section_id=sections["coordination"], **common)

    return place


def _after_advance(session, case, instance, snapshot, now) -> None:
    worklist.sync(session, instance, snapshot, _placement(session, load_calendar(session), case, now), now,
                  (case.number, case.title))
    case.current_step_name = "、".join(s.name for s in snapshot.ready) if not snapshot.completed else "办结"
    if snapshot.completed:
        case.status = CaseStatus.CLOSED
        case.closed_at = now


def _check_opening(session: Session, spec: Opening) -> tuple[list[str], Squad]:
    forms = [f for f in spec.forms if f in set(SupervisionForm)]
    if not forms or len(forms) != len(spec.forms):
        raise InvalidInput("请至少选择一种督办方式", "forms")
    squad = session.get(Squad, spec.squad_id or 0)
    if squad is None:
        raise InvalidInput("请选择承办中队", "squad_id")
    if spec.handler_id is not None:
        handler = session.get(User, spec.handler_id)
        if handler is None or handler.squad_id != squad.id:
            raise InvalidInput("承办人必须是该中队人员", "handler_id")
    if spec.stage and spec.stage not in STAGE_LABELS:
        raise InvalidInput("请选择案件阶段", "stage")
    if not spec.title.strip():
        raise InvalidInput("请填写案件名称", "title")
    if not spec.violation.strip():
        raise InvalidInput("请填写违法行为", "violation")
    return [f.value for f in SupervisionForm if f.value in forms], squad


def open_case(session: Session, *, actor: User, now: datetime, spec: Opening) -> MajorCase:
    """The coordination section opens a supervision and starts its process."""
    if not can_supervise(actor):
        raise PermissionDenied("只有协调科可以发起重大案件督办")
    forms, squad = _check_opening(session, spec)
    case = MajorCase(
        number=_next_number(session, now), case_number=spec.case_number.strip(), title=spec.title.strip(),
        parties=spec.parties.strip(), violation=spec.violation.strip(), stage=spec.stage,
        social_impact=spec.social_impact, forms=",".join(forms), squad_id=squad.id, handler_id=spec.handler_id,
        matters=spec.matters.strip(), status=CaseStatus.OPEN, registered_by_id=actor.id, registered_at=now,
    )
    session.add(case)
    session.flush()
    session.add_all(PointCheck(case_id=case.id, point=p.value) for p in CasePoint)
    version = engine.deploy(session, engine.get_process(PROCESS_ID), now)
    instance, snapshot = engine.start(session, version, FAMILY_MAJOR_CASE, case.id, {"case_id": case.id}, now)
    session.flush()
    case.instance_id = instance.id
    _after_advance(session, case, instance, snapshot, now)
    audit.record(session, actor=actor, now=now, family=FAMILY_MAJOR_CASE, subject_id=case.id, action="open",
                 summary=f"发起重大案件督办（{case.form_labels}）", details={"number": case.number, "forms": forms})
    return case


def get_visible_case(session: Session, actor: User, case_id: int) -> MajorCase:
    case = session.get(MajorCase, case_id)
    if case is None:
        raise NotFound("督办案件不存在")
    if not can_view_case(actor, case):
        raise PermissionDenied("无权查看该督办案件")
    return case


def points(session: Session, case: MajorCase) -> list[PointCheck]:
    order = [p.value for p in CasePoint]
    rows = session.scalars(select(PointCheck).where(PointCheck.case_id == case.id))
    return sorted(rows, key=lambda r: order.index(r.point))


def open_work(session: Session, case: MajorCase) -> list[WorkItem]:
    return steps.open_work(session, FAMILY_MAJOR_CASE, case.id)


def work_for(session: Session, actor: User, case: MajorCase, task_uuid: str) -> WorkItem:
    work = steps.find_work(session, FAMILY_MAJOR_CASE, case.id, task_uuid)
    if not can_act(actor, work):
        raise PermissionDenied("该环节不由您办理")
    return work


def complete_step(
    session: Session, *, actor: User, now: datetime, case: MajorCase, task_uuid: str, values: dict
) -> MajorCase:
    """Complete one open step; a second completion of the same step gets Conflict, never a lost update."""
    families.lock(session, FAMILY_MAJOR_CASE, case.id)
    work = work_for(session, actor, case, task_uuid)
    outcome = HANDLERS[work.step](StepContext(session, actor, now, case, values))
    instance, snapshot = steps.run_step(session, actor=actor, now=now, instance_id=case.instance_id, work=work,
                                        outcome=outcome)
    _after_advance(session, case, instance, snapshot, now)
    session.flush()
    return case


def add_record(session: Session, *, actor: User, now: datetime, case: MajorCase, rec: RecordInput) -> SupervisionRecord:
    """Record an on-site visit, a meeting or a phone call of one of the case's chosen forms."""
    if not can_supervise(actor):
        raise PermissionDenied("只有协调科可以登记督办记录")
    if case.status != CaseStatus.OPEN:
        raise Conflict("督办已办结，不能再登记督办记录")
    if rec.form not in {f.value for f in RECORD_FORMS} or SupervisionForm(rec.form) not in case.form_list:
        raise InvalidInput("请选择本案采用的督办方式", "form")
    if rec.held_at > now:
        raise InvalidInput("督办时间不能晚于当前时间", "held_at")
    if not rec.people.strip():
        raise InvalidInput("请填写参加人员或通话对象", "people")
    if not rec.content.strip():
        raise InvalidInput("请填写督办情况", "content")
    row = SupervisionRecord(case_id=case.id, form=rec.form, held_at=rec.held_at, people=rec.people.strip(),
                            content=rec.content.strip(), decisions=rec.decisions.strip(), recorded_by_id=actor.id,
                            recorded_at=now)
    session.add(row)
    session.flush()
    audit.record(session, actor=actor, now=now, family=FAMILY_MAJOR_CASE, subject_id=case.id, action="record",
                 summary=f"登记{row.form_label}记录", opinion=row.content, details={"record_id": row.id})
    return row
