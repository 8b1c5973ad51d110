"""Spot checks (抽查) of handled petitions and misconduct findings for accountability."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.org import Role, Squad, User
from models.petitions import FAMILY_PETITION, MISCONDUCT, MisconductFinding, Petition, SpotCheck
from workflows import audit
from workflows.errors import InvalidInput, PermissionDenied
from workflows.petitions import months
from workflows.petitions.callbacks import draw, plan_seed

RESULTS = {"ok": "整改到位", "problem": "发现问题"}


def _coordinator(actor: User, what: str) -> None:
    if not actor.has(Role.COORDINATOR):
        raise PermissionDenied(f"只有协调科可以{what}")


def record_spot_check(session: Session, *, actor: User, now: datetime, petition: Petition, checked_on: date | None,
                      result: str, findings: str) -> SpotCheck:
    _coordinator(actor, "记录抽查")
    if petition.first_closed_at is None:
        raise InvalidInput("只能抽查已办结过的信访件", "result")
    if checked_on is None or checked_on > months.local_date(now):
        raise InvalidInput("请填写抽查日期（不能晚于今天）", "checked_on")
    if result not in RESULTS:
        raise InvalidInput("请选择抽查结论", "result")
    if not findings.strip():
        raise InvalidInput("请填写抽查情况", "findings")
    check = SpotCheck(petition_id=petition.id, checked_on=checked_on, result=result, findings=findings.strip(),
                      checked_by_id=actor.id, recorded_at=now)
    session.add(check)
    session.flush()
    audit.record(session, actor=actor, now=now, family=FAMILY_PETITION, subject_id=petition.id, action="spot_check",
                 step="spot_check", summary=f"现场抽查：{RESULTS[result]}", opinion=findings.strip(),
                 details={"spot_check_id": check.id, "checked_on": str(checked_on)})
    return check


def record_finding(session: Session, *, actor: User, now: datetime, petition: Petition, source: str,
                   source_id: int | None, classification: str, description: str) -> MisconductFinding:
    """Record misconduct (不作为/慢作为/乱作为/违规违纪) so that an accountability referral can link it."""
    _coordinator(actor, "记录问题线索")
    if classification not in MISCONDUCT:
        raise InvalidInput("请选择问题类型", "classification")
    if source not in ("callback", "spot_check", "handling"):
        raise InvalidInput("来源不正确", "source")
    if not description.strip():
        raise InvalidInput("请填写问题描述", "description")
    finding = MisconductFinding(petition_id=petition.id, squad_id=petition.squad_id, source=source,
                                source_id=source_id, classification=classification,
                                description=description.strip(), recorded_by_id=actor.id, recorded_at=now)
    session.add(finding)
    session.flush()
    audit.record(session, actor=actor, now=now, family=FAMILY_PETITION, subject_id=petition.id, action="finding",
                 summary=f"发现{MISCONDUCT[classification]}问题线索", opinion=description.strip(),
                 details={"finding_id": finding.id, "source": source})
    return finding


def spot_check_sample(session: Session, squad: Squad, month: str, percent: int) -> list[Petition]:
    """A reproducible sample of the squad's petitions closed in the month before `month`."""
    start, end = months.bounds(months.previous(month))
    ids = list(session.scalars(select(Petition.id).where(Petition.squad_id == squad.id, Petition.status == "closed",
                                                         Petition.closed_at >= start, Petition.closed_at < end)))
    chosen = draw(ids, percent, plan_seed(month, squad.id, "spot_check"))
    return list(session.scalars(select(Petition).where(Petition.id.in_(chosen)).order_by(Petition.id)))
