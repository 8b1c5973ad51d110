"""Business actions on accountability referrals. Each takes the session, the acting user and the time,
changes the data, writes the timeline entry and flushes; the caller commits once.

One `accountability_referral` process instance runs per referral, linked to its source (family, id); the same
process is reusable as a call activity (its ioSpecification takes `referral_id` and gives back `outcome`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.org import Section, Squad, User
from models.referrals import CLASSIFICATION_LABELS, AccountabilityReferral
from workflows.calendar import load_calendar
from workflows.deadlines import compute
from workflows.deadlines.rules import load_book
from workflows.errors import InvalidInput, PermissionDenied
from workflows.referrals import evidence, sources
from workflows.referrals.access import can_refer, referral_scope
from workflows.referrals.family import FAMILY
from workflows.tasks import lifecycle

DEFAULT_SECTION = "inspection"


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


def open_referral(session: Session, *, actor: User, now: datetime, spec: ReferralInput
                  ) -> tuple[AccountabilityReferral, sources.Source, Section, list[dict]]:
    """The checked, numbered referral row with its deadline, before any process runs it."""
    if not can_refer(actor):
        raise PermissionDenied("只有协调科或局领导可以移送追责")
    target_user_id, target_squad_id = _target(session, spec)
    source, section, cited = _check(session, spec, now)
    referral = AccountabilityReferral(
        source_family=source.family, source_subject_id=source.subject_id,
        source_label=source.label, classification=spec.classification, target_user_id=target_user_id,
        target_squad_id=target_squad_id, facts=spec.facts.strip(), evidence=cited, section_id=section.id,
        status="open", deadline_basis="rule", clock_rules_at=now, referred_by_id=actor.id, referred_at=now,
    )
    due = compute.subject_deadline(load_calendar(session), load_book(session, FAMILY.name, now), FAMILY, referral)
    referral.deadline_at, referral.deadline_provisional, referral.base_deadline_at = due.due_at, due.provisional, \
        due.due_at
    referral.number = lifecycle.number_for(session, FAMILY, now)
    session.add(referral)
    session.flush()
    return referral, source, section, cited


def summary_of(section: Section, referral: AccountabilityReferral) -> str:
    return f"移送{section.name}追责（{referral.classification_label}）"


def refer(session: Session, *, actor: User, now: datetime, spec: ReferralInput) -> AccountabilityReferral:
    """Refer an officer or a squad to the responsible section by hand (a case found outside any process): the
    referral runs as its own instance. Nothing is ever referred automatically."""
    referral, source, section, cited = open_referral(session, actor=actor, now=now, spec=spec)
    return lifecycle.start(session, FAMILY, referral, actor=actor, now=now, action="refer",
                           summary=summary_of(section, referral),
                           details={"source": [source.family, source.subject_id],
                                    "evidence": [e["key"] for e in cited]})


def for_source(session: Session, actor: User, family: str, subject_id: int) -> list[AccountabilityReferral]:
    query = select(AccountabilityReferral).where(AccountabilityReferral.source_family == family,
                                                 AccountabilityReferral.source_subject_id == subject_id)
    return list(session.scalars(referral_scope(actor, query).order_by(AccountabilityReferral.id)))
