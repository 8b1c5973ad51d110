"""Business actions on accountability referrals. Each takes the session, the acting user and the time,
changes the data, writes the timeline entry and flushes; the caller commits once.

One `accountability_referral` process instance runs per referral, linked to its source (family, id); the same
process is reusable as a call activity (its ioSpecification takes `referral_id` and gives back `outcome`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.engine import WorkItem
from models.org import Section, Squad, User
from models.referrals import CLASSIFICATION_LABELS, FAMILY_REFERRAL, AccountabilityReferral
from workflows import audit, engine, families, numbering, steps, worklist
from workflows.calendar import Deadline, WorkCalendar, load_calendar
from workflows.errors import InvalidInput, NotFound, PermissionDenied
from workflows.referrals import evidence, sources
from workflows.referrals.access import can_act_on_referral, can_refer, can_view_referral, referral_scope
from workflows.referrals.steps import HANDLERS, StepContext

PROCESS_ID = "accountability_referral"
DEFAULT_SECTION = "inspection"
REFERRAL_DAYS = 20  # working days for the responsible section to conclude
STEP_LIMITS = {"accept": 2, "supplement": 2, "record_outcome": 3}


@dataclass
class ReferralInput:
    family: str
    subject_id: int
    classification: str
    facts: str
    target_user_id: int | None = None
    target_squad_id: int | None = None
    evidence_keys: list[str] = field(default_factory=list)
    section_id: int | None = None
    source_label: str = ""


def _next_number(session: Session, now: datetime) -> str:
    return numbering.allocate(session, scope=FAMILY_REFERRAL, column=AccountabilityReferral.number,
                              prefix=lambda year: f"追责{year}-", width=4, now=now)


def default_section(session: Session) -> Section | None:
    return session.scalar(select(Section).where(Section.code == DEFAULT_SECTION))


def responsible_sections(session: Session) -> list[Section]:
    return list(session.scalars(select(Section).where(Section.code != "coordination").order_by(Section.id)))


def _target(session: Session, spec: ReferralInput) -> tuple[int | None, int | None]:
    if spec.target_user_id:
        user = session.get(User, spec.target_user_id)
        if user is None:
            raise InvalidInput("被移送人员不存在", "target_user_id")
        return user.id, user.squad_id
    squad = session.get(Squad, spec.target_squad_id or 0)
    if squad is None:
        raise InvalidInput("请选择被移送的人员或中队", "target_user_id")
    return None, squad.id


def _check(session: Session, spec: ReferralInput, now: datetime) -> tuple[sources.Source, Section, list[dict]]:
    if spec.classification not in CLASSIFICATION_LABELS:
        raise InvalidInput("请选择问题类型", "classification")
    if not spec.facts.strip():
        raise InvalidInput("请填写问题事实", "facts")
    source = sources.resolve(session, spec.family, spec.subject_id, spec.source_label)
    section = session.get(Section, spec.section_id) if spec.section_id else default_section(session)
    if section is None or section.code == "coordination":
        raise InvalidInput("请选择责任科室", "section_id")
    found = {e.key: e for e in evidence.candidates(session, source.family, source.subject_id, now)}
    unknown = [k for k in spec.evidence_keys if k not in found]
    if unknown:
        raise InvalidInput("所选证据不属于该移送来源，请刷新后重选", "evidence")
    return source, section, [found[k].as_dict() for k in dict.fromkeys(spec.evidence_keys)]


def _due(calendar: WorkCalendar, referral: AccountabilityReferral, step: str, now: datetime) -> Deadline:
    whole = Deadline(referral.deadline_at, referral.deadline_provisional)
    limit = STEP_LIMITS.get(step)
    if limit is None:
        return whole
    own = calendar.add_working_days(now, limit)
    return own if own.due_at < whole.due_at else whole


def _after_advance(session, referral, instance, snapshot, now) -> None:
    calendar = load_calendar(session)
    coordination = session.scalar(select(Section.id).where(Section.code == "coordination"))

    def place(step: engine.ReadyStep) -> worklist.Placement:
        due = _due(calendar, referral, step.step, now)
        section = referral.section_id if step.group == "section" else coordination
        return worklist.Placement(section_id=section, due_at=due.due_at, due_provisional=due.provisional)

    title = f"{referral.classification_label}：{referral.target_label}"
    worklist.sync(session, instance, snapshot, place, now, (referral.number, title))
    referral.current_step_name = "、".join(s.name for s in snapshot.ready) if not snapshot.completed else "办结"
    if snapshot.completed:
        referral.status = "closed"
        referral.closed_at = now


def refer(session: Session, *, actor: User, now: datetime, spec: ReferralInput) -> AccountabilityReferral:
    """Refer an officer or a squad to the responsible section; nothing is ever referred automatically."""
    if not can_refer(actor):
        raise PermissionDenied("只有协调科或局领导可以移送追责")
    target_user_id, target_squad_id = _target(session, spec)
    source, section, cited = _check(session, spec, now)
    due = load_calendar(session).add_working_days(now, REFERRAL_DAYS)
    referral = AccountabilityReferral(
        number=_next_number(session, now), source_family=source.family, source_subject_id=source.subject_id,
        source_label=source.label, classification=spec.classification, target_user_id=target_user_id,
        target_squad_id=target_squad_id, facts=spec.facts.strip(), evidence=cited, section_id=section.id,
        status="open", deadline_at=due.due_at, deadline_provisional=due.provisional, referred_by_id=actor.id,
        referred_at=now,
    )
    session.add(referral)
    session.flush()
    version = engine.deploy(session, engine.get_process(PROCESS_ID), now)
    instance, snapshot = engine.start(session, version, FAMILY_REFERRAL, referral.id, {"referral_id": referral.id}, now)
    session.flush()
    referral.instance_id = instance.id
    _after_advance(session, referral, instance, snapshot, now)
    audit.record(session, actor=actor, now=now, family=FAMILY_REFERRAL, subject_id=referral.id, action="refer",
                 summary=f"移送{section.name}追责（{referral.classification_label}）", opinion=referral.facts,
                 details={"number": referral.number, "source": [source.family, source.subject_id],
                          "evidence": [e["key"] for e in cited]})
    return referral


def get_visible_referral(session: Session, actor: User, referral_id: int) -> AccountabilityReferral:
    referral = session.get(AccountabilityReferral, referral_id)
    if referral is None:
        raise NotFound("追责移送记录不存在")
    if not can_view_referral(actor, referral):
        raise PermissionDenied("无权查看该追责移送记录")
    return referral


def for_source(session: Session, actor: User, family: str, subject_id: int) -> list[AccountabilityReferral]:
    query = select(AccountabilityReferral).where(AccountabilityReferral.source_family == family,
                                                 AccountabilityReferral.source_subject_id == subject_id)
    return list(session.scalars(referral_scope(actor, query).order_by(AccountabilityReferral.id)))


def open_work(session: Session, referral: AccountabilityReferral) -> list[WorkItem]:
    return steps.open_work(session, FAMILY_REFERRAL, referral.id)


def work_for(session: Session, actor: User, referral: AccountabilityReferral, task_uuid: str) -> WorkItem:
    work = steps.find_work(session, FAMILY_REFERRAL, referral.id, task_uuid)
    if not can_act_on_referral(actor, referral, work):
        raise PermissionDenied("该环节不由您办理")
    return work


def complete_step(session: Session, *, actor: User, now: datetime, referral: AccountabilityReferral,
                  task_uuid: str, values: dict) -> AccountabilityReferral:
    families.lock(session, FAMILY_REFERRAL, referral.id)
    work = work_for(session, actor, referral, task_uuid)
    outcome = HANDLERS[work.step](StepContext(session, actor, now, referral, values))
    instance, snapshot = steps.run_step(session, actor=actor, now=now, instance_id=referral.instance_id, work=work,
                                        outcome=outcome)
    _after_advance(session, referral, instance, snapshot, now)
    session.flush()
    return referral
