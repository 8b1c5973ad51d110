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
from models.org import Squad, User
from workflows import audit
from workflows.calendar import load_calendar
from workflows.cases.access import can_supervise
from workflows.cases.family import FAMILY
from workflows.deadlines import compute
from workflows.deadlines.rules import load_book
from workflows.errors import Conflict, InvalidInput, PermissionDenied
from workflows.tasks import lifecycle

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
        case_number=spec.case_number.strip(), title=spec.title.strip(),
        parties=spec.parties.strip(), violation=spec.violation.strip(), stage=spec.stage,
        social_impact=spec.social_impact, forms=",".join(forms), squad_id=squad.id, handler_id=spec.handler_id,
        matters=spec.matters.strip(), status=CaseStatus.OPEN, registered_by_id=actor.id, registered_at=now,
        deadline_basis="rule", clock_rules_at=now,
    )
    due = compute.subject_deadline(load_calendar(session), load_book(session, FAMILY.name, now), FAMILY, case)
    case.deadline_at, case.deadline_provisional, case.base_deadline_at = due.due_at, due.provisional, due.due_at
    case.number = lifecycle.number_for(session, FAMILY, now)
    session.add(case)
    session.flush()
    session.add_all(PointCheck(case_id=case.id, point=p.value) for p in CasePoint)
    return lifecycle.start(session, FAMILY, case, actor=actor, now=now, action="open",
                           summary=f"发起重大案件督办（{case.form_labels}）", details={"forms": forms})


def points(session: Session, case: MajorCase) -> list[PointCheck]:
    order = [p.value for p in CasePoint]
    rows = session.scalars(select(PointCheck).where(PointCheck.case_id == case.id))
    return sorted(rows, key=lambda r: order.index(r.point))


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
