"""专案研究 as a record, for a subject of any family: the meeting (date, place, units and people present, matters
discussed) and its decisions; a decision with an owner squad and a deadline becomes an action (落实事项)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.meetings import FAMILY_STUDY_ACTION, StudyAction, StudyDecision, StudyMeeting
from models.org import Role, Squad, User
from workflows import audit, families
from workflows.calendar import end_of_local_day, load_calendar
from workflows.errors import InvalidInput, PermissionDenied, required_text
from workflows.tasks import lifecycle
from workflows.tasks.access import visible

MAX_DECISIONS = 20


@dataclass(frozen=True)
class DecisionInput:
    text: str
    squad_id: int | None = None
    due_on: date | None = None


@dataclass(frozen=True)
class MeetingInput:
    held_on: date | None
    place: str
    units_present: str
    people_present: str
    matters: str
    decisions: list[DecisionInput] = field(default_factory=list)


def read_meeting(values: dict) -> MeetingInput:
    decisions = []
    for entry in values.get("decisions") or []:
        if not isinstance(entry, dict):
            raise InvalidInput("决定事项格式不正确", "decisions")
        text = str(entry.get("text") or "").strip()
        squad_id, due_on = entry.get("squad_id") or None, entry.get("due_on") or None
        if text or squad_id or due_on:
            decisions.append(DecisionInput(text, squad_id, due_on))
    return MeetingInput(values.get("held_on"), str(values.get("place") or ""), str(values.get("units_present") or ""),
                        str(values.get("people_present") or ""), str(values.get("matters") or ""), decisions)


def _required(value: str, name: str, label: str, limit: int) -> str:
    return required_text(value, label, name, limit)


def _check(session: Session, spec: MeetingInput, now: datetime) -> None:
    if not isinstance(spec.held_on, date):
        raise InvalidInput("请填写会议日期", "held_on")
    if spec.held_on > now.date() + timedelta(days=1):
        raise InvalidInput("会议日期不能晚于今天", "held_on")
    if not spec.decisions:
        raise InvalidInput("请至少填写一项决定", "decisions")
    if len(spec.decisions) > MAX_DECISIONS:
        raise InvalidInput(f"决定事项最多 {MAX_DECISIONS} 项", "decisions")
    for d in spec.decisions:
        if not d.text:
            raise InvalidInput("每项决定都要写明内容", "decisions")
        if (d.squad_id is None) != (d.due_on is None):
            raise InvalidInput("需落实的决定须同时指定落实中队和落实期限", "decisions")
        if d.squad_id is not None and session.get(Squad, d.squad_id) is None:
            raise InvalidInput("请选择落实中队", "decisions")
        if d.due_on is not None and d.due_on < spec.held_on:
            raise InvalidInput("落实期限不能早于会议日期", "decisions")


def record(session: Session, *, actor: User, now: datetime, family: str, subject_id: int, spec: MeetingInput,
           audit_it: bool = True) -> StudyMeeting:
    """Record the meeting on the subject; decisions with a squad and a deadline start their action's process."""
    if not actor.has(Role.COORDINATOR):
        raise PermissionDenied("只有协调科可以记录专案研究")
    fam, subject = visible(session, actor, family, subject_id)
    _check(session, spec, now)
    meeting = StudyMeeting(family=fam.name, subject_id=subject.id, held_on=spec.held_on,
                           place=_required(spec.place, "place", "会议地点", 200),
                           units_present=_required(spec.units_present, "units_present", "参会单位", 1000),
                           people_present=_required(spec.people_present, "people_present", "参会人员", 1000),
                           matters=_required(spec.matters, "matters", "研究事项", 5000),
                           recorded_by_id=actor.id, recorded_at=now)
    session.add(meeting)
    session.flush()
    for position, d in enumerate(spec.decisions, start=1):
        decision = StudyDecision(meeting_id=meeting.id, position=position, text=d.text[:1000])
        session.add(decision)
        session.flush()
        if d.squad_id is not None:
            _start_action(session, actor, now, subject, fam, decision, d)
    session.refresh(meeting)
    if audit_it:
        audit.record(session, actor=actor, now=now, family=fam.name, subject_id=subject.id, action="study_meeting",
                     summary=f"记录专案研究会议（{spec.held_on:%Y-%m-%d}，{meeting.place}）", opinion=meeting.matters,
                     details={"meeting_id": meeting.id})
    return meeting


def _start_action(session, actor, now, subject, fam, decision: StudyDecision, d: DecisionInput) -> StudyAction:
    action_fam = families.get(FAMILY_STUDY_ACTION)
    due = end_of_local_day(d.due_on)
    action = StudyAction(decision_id=decision.id, squad_id=d.squad_id, title=f"{subject.number} {d.text}"[:200],
                         due_on=d.due_on, status="open", created_by_id=actor.id, created_at=now,
                         deadline_at=due, base_deadline_at=due, deadline_basis="given", clock_rules_at=now,
                         deadline_provisional=load_calendar(session).is_provisional_day(d.due_on))
    action.number = lifecycle.number_for(session, action_fam, now)
    session.add(action)
    squad = session.get(Squad, d.squad_id)
    lifecycle.start(session, action_fam, action, actor=actor, now=now, summary=f"专案研究决定事项交{squad.name}落实",
                    details={"source": [fam.name, subject.id], "decision_id": decision.id})
    return action


def meetings_of(session: Session, family: str, subject_id: int) -> list[StudyMeeting]:
    return list(session.scalars(select(StudyMeeting).where(StudyMeeting.family == family,
                                                           StudyMeeting.subject_id == subject_id)
                                .order_by(StudyMeeting.held_on, StudyMeeting.id)))
