"""三级督察台账: a squad's ledger for a month or a quarter — its own inspections, the findings on it (from every
level), their rectification, and the training held — and the supervisors' training sessions."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.inspections import Finding, InspectionRound, TrainingAttendee, TrainingSession
from models.org import Squad, User
from workflows import audit
from workflows.calendar import LOCAL_TZ
from workflows.errors import InvalidInput, PermissionDenied
from workflows.inspections import access

PERIOD = re.compile(r"^(20\d\d)-(0[1-9]|1[0-2]|Q[1-4])$")
FAMILY = "training_session"


@dataclass
class Ledger:
    squad: Squad
    period: str
    start: date
    end: date  # inclusive
    rounds: list[InspectionRound]
    findings: list[Finding]
    training: list[TrainingSession]


def bounds(period: str) -> tuple[date, date]:
    match = PERIOD.match(period or "")
    if not match:
        raise InvalidInput("期间格式应为 YYYY-MM 或 YYYY-Q1..Q4", "period")
    year, part = int(match.group(1)), match.group(2)
    first = (int(part[1]) - 1) * 3 + 1 if part.startswith("Q") else int(part)
    months = 3 if part.startswith("Q") else 1
    last = first + months
    end = date(year + (last > 12), (last - 1) % 12 + 1, 1)
    return date(year, first, 1), date.fromordinal(end.toordinal() - 1)


def _moment(d: date) -> datetime:
    return datetime(d.year, d.month, d.day, tzinfo=LOCAL_TZ)


def may_keep(user: User, squad_id: int) -> bool:
    return access.sees_every_level(user) or (user.squad_id == squad_id and user.has(*access.SQUAD_SUPERVISION))


def ledger(session: Session, actor: User, squad_id: int, period: str) -> Ledger:
    squad = session.get(Squad, squad_id or 0)
    if squad is None or not may_keep(actor, squad.id):
        raise PermissionDenied("只能查看本中队的督察台账")
    start, end = bounds(period)
    lo, hi = _moment(start), _moment(date.fromordinal(end.toordinal() + 1))
    rounds = list(session.scalars(select(InspectionRound).where(
        InspectionRound.tier == "squad", InspectionRound.squad_id == squad.id, InspectionRound.opened_at >= lo,
        InspectionRound.opened_at < hi).order_by(InspectionRound.opened_at, InspectionRound.id)))
    findings = list(session.scalars(select(Finding).where(
        Finding.squad_id == squad.id, Finding.confirmed_at >= lo, Finding.confirmed_at < hi)
        .order_by(Finding.confirmed_at, Finding.id)))
    training = list(session.scalars(select(TrainingSession).where(
        TrainingSession.held_on >= start, TrainingSession.held_on <= end,
        (TrainingSession.squad_id == squad.id) | (TrainingSession.tier == "bureau"))
        .order_by(TrainingSession.held_on, TrainingSession.id)))
    return Ledger(squad, period, start, end, rounds, findings, training)


def export(book: Ledger) -> bytes:
    from io import BytesIO

    from openpyxl import Workbook

    out = Workbook()
    sheet = out.active
    sheet.title = "督察台账"
    sheet.append([f"{book.squad.name} 三级督察台账（{book.period}）"])
    sheet.append(["一、本中队督察"])
    sheet.append(["编号", "名称", "检查表", "开启时间", "状态"])
    for r in book.rounds:
        sheet.append([r.number, r.title, r.template_version.template.name,
                      r.opened_at.astimezone(LOCAL_TZ).strftime("%Y-%m-%d"), r.stage_label])
    sheet.append(["二、发现问题及整改"])
    sheet.append(["编号", "层级", "问题类别", "问题描述", "扣分", "确认日期", "整改情况", "状态", "退回次数"])
    for f in book.findings:
        sheet.append([f.number, f.round.tier_label, f.category, f.description, float(f.deduction),
                      f.confirmed_at.astimezone(LOCAL_TZ).strftime("%Y-%m-%d"), f.rectification, f.status_label,
                      f.returned_count])
    sheet.append(["三、培训"])
    sheet.append(["日期", "主题", "层级", "学时", "参训人数"])
    for t in book.training:
        sheet.append([t.held_on.isoformat(), t.title, "局级" if t.tier == "bureau" else "中队", float(t.hours),
                      len(t.attendees)])
    data = BytesIO()
    out.save(data)
    return data.getvalue()


def record_training(session: Session, *, actor: User, now: datetime, title: str, held_on: date, hours: Decimal,
                    content: str, attendee_ids: list[int]) -> TrainingSession:
    """The bureau's supervisors' training (by a section), or a squad's own (by its inspector)."""
    if access.may_open_bureau_round(actor):
        tier, squad_id = "bureau", None
    elif access.is_squad_inspector(actor):
        tier, squad_id = "squad", actor.squad_id
    else:
        raise PermissionDenied("只有责任科室或三级督察员可以登记培训")
    people = set(session.scalars(select(User.id).where(User.id.in_(attendee_ids), User.active.is_(True))))
    if not attendee_ids or people != set(attendee_ids):
        raise InvalidInput("请选择参训人员", "attendee_ids")
    if squad_id is not None and set(session.scalars(select(User.squad_id).where(User.id.in_(people)))) != {squad_id}:
        raise InvalidInput("中队培训只能登记本中队人员", "attendee_ids")
    row = TrainingSession(title=title.strip(), held_on=held_on, tier=tier, squad_id=squad_id, hours=hours,
                          content=content.strip(), recorded_by_id=actor.id, recorded_at=now,
                          attendees=[TrainingAttendee(user_id=i) for i in sorted(people)])
    session.add(row)
    session.flush()
    audit.record(session, actor=actor, now=now, family=FAMILY, subject_id=row.id, action="record_training",
                 summary=f"登记培训：{row.title}（{len(people)} 人）")
    return row


def sessions(session: Session, actor: User, limit: int = 200) -> list[TrainingSession]:
    query = select(TrainingSession)
    if not access.sees_every_level(actor):
        query = query.where((TrainingSession.tier == "bureau") | (TrainingSession.squad_id == actor.squad_id))
    return list(session.scalars(query.order_by(TrainingSession.held_on.desc(), TrainingSession.id.desc())
                                .limit(limit)))
