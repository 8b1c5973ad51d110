"""退单 and 改派 for any family. A lead squad may return a subject as not theirs within the rule book's window
(default 1 working day after assignment) with a reason, an explanation and evidence. The coordination section
accepts (改派 to another squad, whose clock starts then; the first squad is charged nothing) or rejects (the
clock has run since the first assignment and keeps running). A subject's second return goes to a bureau
leader, whose decision is final. A plain 改派 by the coordination section takes the same path and records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from models.engine import WorkItem
from models.org import Role, Squad, User
from models.responsibility import RETURN_REASONS, JurisdictionReturn
from workflows import audit, notifications, subjects
from workflows.calendar import Deadline, load_calendar
from workflows.deadlines import compute, ladder
from workflows.deadlines.responsibility import return_deadline
from workflows.deadlines.rules import book_for
from workflows.errors import Conflict, InvalidInput, NotFound, PermissionDenied, required_text
from workflows.families import Family
from workflows.tasks import assignments, cosquads, parts
from workflows.tasks.access import visible
from workflows.tasks.cosquads import PartInput

MAX_TEXT = 2000
OPEN = ("pending", "escalated")


@dataclass(frozen=True)
class Window:
    """May the lead squad return the subject now, until when, and if not, why not."""

    allowed: bool
    until: Deadline | None
    why: str = ""


def returns_of(session: Session, family: str, subject_id: int) -> list[JurisdictionReturn]:
    return list(session.scalars(select(JurisdictionReturn).where(
        JurisdictionReturn.family == family, JurisdictionReturn.subject_id == subject_id)
        .order_by(JurisdictionReturn.filed_at, JurisdictionReturn.id)))


def window(session: Session, fam: Family, subject: Any, now: datetime) -> Window:
    lead = getattr(subject, fam.squad_field, None)
    if subject.status == "closed" or lead is None:
        return Window(False, None, "该事项尚未交办或已办结")
    earlier = returns_of(session, fam.name, subject.id)
    if any(r.status in OPEN for r in earlier):
        return Window(False, None, "退单正在审核中，请等待决定")
    if any(r.status == "final" for r in earlier):
        return Window(False, None, "局领导已终审确定承办中队，不能再退单")
    until = return_deadline(load_calendar(session), book_for(session, fam.name, subject), fam, subject,
                            assignments.assigned_at(session, fam, subject))
    if now > until.due_at:
        return Window(False, until, "已超过退单时限，退单功能已关闭；如确有异议请联系协调科")
    return Window(True, until)


def _text(value: str | None, field: str, label: str) -> str:
    return required_text(value, label, field, MAX_TEXT)


def file(session: Session, *, actor: User, now: datetime, family: str, subject_id: int, reason: str,
         explanation: str) -> JurisdictionReturn:
    """The lead squad returns the subject (its evidence is attached by the caller with step 'jurisdiction_return').
    The clock keeps running."""
    fam, subject = visible(session, actor, family, subject_id, lock=True)
    lead = getattr(subject, fam.squad_field, None)
    if not (actor.has(Role.SQUAD_LEADER, Role.SQUAD_MEMBER) and actor.squad_id == lead):
        raise PermissionDenied("只有主办中队可以退单")
    if reason not in RETURN_REASONS:
        raise InvalidInput("请选择退单理由", "reason")
    explanation = _text(explanation, "explanation", "退单说明")
    win = window(session, fam, subject, now)
    if not win.allowed:
        raise Conflict(win.why)
    second = len(returns_of(session, fam.name, subject.id)) >= 1
    row = JurisdictionReturn(family=fam.name, subject_id=subject.id, squad_id=lead, reason=reason,
                             explanation=explanation, filed_by_id=actor.id, filed_at=now,
                             assigned_at=assignments.assigned_at(session, fam, subject),
                             status="escalated" if second else "pending")
    session.add(row)
    session.flush()
    squad = session.get(Squad, lead)
    where = "第二次退单，报局领导终审" if second else "待协调科决定"
    audit.record(session, actor=actor, now=now, family=fam.name, subject_id=subject.id, action="return_filed",
                 summary=f"{squad.name}退单（{RETURN_REASONS[reason]}），{where}", opinion=explanation,
                 details={"return_id": row.id, "reason": reason, "squad_id": lead, "escalated": second})
    deciders = notifications.role_users(session, [Role.LEADER if second else Role.COORDINATOR])
    notifications.notify(session, key=f"return:{row.id}", user_ids=deciders, kind="assigned",
                         title=f"{subject.number} {squad.name}退单，{where}", body=explanation, now=now,
                         family=fam.name, subject_id=subject.id)
    return row


def _locked_return(session: Session, actor: User, return_id: int) -> tuple[Family, Any, JurisdictionReturn]:
    """The return and its subject, locked in the global order (subject first)."""
    found = session.execute(select(JurisdictionReturn.family, JurisdictionReturn.subject_id)
                            .where(JurisdictionReturn.id == return_id)).first()
    if found is None:
        raise NotFound("退单不存在")
    fam, subject = visible(session, actor, found.family, found.subject_id, lock=True)
    row = session.execute(select(JurisdictionReturn).where(JurisdictionReturn.id == return_id).with_for_update()
                          .execution_options(populate_existing=True)).scalar_one()
    return fam, subject, row


def decide(session: Session, *, actor: User, now: datetime, return_id: int, accept: bool, note: str = "",
           to_squad_id: int | None = None, co_squads: list[PartInput] | None = None) -> JurisdictionReturn:
    """协调科 decides a first return; a bureau leader decides a second one (终审: naming the squad, final). A second
    decider of the same return gets a Conflict naming who decided first."""
    fam, subject, row = _locked_return(session, actor, return_id)
    if row.status not in OPEN:
        who = row.decided_by.name if row.decided_by else "他人"
        raise Conflict(f"该退单已由{who}处理（{row.status_label}），请刷新页面")
    leader_stage = row.status == "escalated"
    if leader_stage and not actor.has(Role.LEADER):
        raise PermissionDenied("第二次退单由局领导终审")
    if not leader_stage and not actor.has(Role.COORDINATOR):
        raise PermissionDenied("只有协调科可以决定退单")
    note = _text(note, "note", "决定理由") if not accept or leader_stage else (note or "").strip()[:MAX_TEXT]
    if accept:
        _target(session, row, to_squad_id)
    row.decided_by_id, row.decided_at, row.decision_note = actor.id, now, note
    row.to_squad_id = to_squad_id if accept else row.squad_id
    row.status = "final" if leader_stage else ("accepted" if accept else "rejected")
    try:
        session.flush()
    except StaleDataError:
        raise Conflict("该退单刚被他人处理，请刷新页面") from None
    verdict = "同意退单" if accept else "驳回退单"
    if leader_stage:
        verdict = "局领导终审：" + ("改由" if accept else "仍由") + session.get(Squad, row.to_squad_id).name + "承办"
    audit.record(session, actor=actor, now=now, family=fam.name, subject_id=subject.id, action="return_decided",
                 summary=verdict, opinion=note,
                 details={"return_id": row.id, "status": row.status, "to_squad_id": row.to_squad_id})
    if accept:
        _reassign(session, fam, subject, to_squad_id, actor=actor, now=now,
                  basis="final" if leader_stage else "return", return_id=row.id, reason=note, co_squads=co_squads)
    notifications.notify(session, key=f"return-decided:{row.id}",
                         user_ids=notifications.role_users(session, [Role.SQUAD_LEADER], squad_id=row.squad_id),
                         kind="assigned", title=f"{subject.number} 退单{row.status_label}", body=note, now=now,
                         family=fam.name, subject_id=subject.id)
    return row


def _target(session: Session, row_or_none, to_squad_id: int | None) -> Squad:
    squad = session.get(Squad, to_squad_id or 0)
    if squad is None:
        raise InvalidInput("请选择改派的承办中队", "to_squad_id")
    if row_or_none is not None and squad.id == row_or_none.squad_id and row_or_none.status != "escalated":
        raise InvalidInput("改派的中队不能是退单中队", "to_squad_id")
    return squad


def reassign(session: Session, *, actor: User, now: datetime, family: str, subject_id: int, to_squad_id: int,
             reason: str, co_squads: list[PartInput] | None = None) -> Any:
    """A plain 改派 / 转办 by the coordination section: the same path and records as an accepted return."""
    if not actor.has(Role.COORDINATOR):
        raise PermissionDenied("只有协调科可以改派")
    fam, subject = visible(session, actor, family, subject_id, lock=True)
    if subject.status == "closed" or getattr(subject, fam.squad_field, None) is None:
        raise Conflict("该事项尚未交办或已办结，不能改派")
    squad = _target(session, None, to_squad_id)
    if squad.id == getattr(subject, fam.squad_field):
        raise InvalidInput("改派的中队与当前承办中队相同", "to_squad_id")
    if any(r.status in OPEN for r in returns_of(session, fam.name, subject.id)):
        raise Conflict("有待决定的退单，请先决定退单")
    reason = _text(reason, "reason", "改派理由")
    _reassign(session, fam, subject, squad.id, actor=actor, now=now, basis="direct", return_id=None, reason=reason,
              co_squads=co_squads)
    return subject


def _reassign(session: Session, fam: Family, subject: Any, to_squad_id: int, *, actor: User, now: datetime,
              basis: str, return_id: int | None, reason: str, co_squads: list[PartInput] | None) -> None:
    """The new lead squad takes the open lead steps; its limit starts now (a rule-based deadline restarts)."""
    old = getattr(subject, fam.squad_field)
    if to_squad_id == old:
        return
    if any(p.squad_id == to_squad_id for p in parts.parts_of(session, fam.name, subject.id, live_only=True)):
        raise InvalidInput("该中队是本事项的协办中队，请先撤销其协办", "to_squad_id")
    setattr(subject, fam.squad_field, to_squad_id)
    setattr(subject, fam.handler_field, None)
    calendar, book = load_calendar(session), book_for(session, fam.name, subject)
    if subject.deadline_basis == "rule":
        due = book.item(fam.kind_of(subject)).due(calendar, now)
        subject.deadline_at, subject.deadline_provisional, subject.base_deadline_at = \
            due.due_at, due.provisional, due.due_at
        subject.alert_stage, subject.level = 0, "blue"
    lead_steps = select(WorkItem).where(WorkItem.family == fam.name, WorkItem.subject_id == subject.id,
                                        WorkItem.squad_id == old, WorkItem.step.not_in(parts.STEPS))
    ctx = ladder.Context(session)
    for work in session.scalars(lead_steps.with_for_update()):
        due = compute.step_due(calendar, book, fam, subject, work.step, now)
        work.squad_id, work.assignee_id, work.owner_id, work.claimed_at = to_squad_id, None, None, None
        work.started_at, work.alert_stage = now, 0
        work.due_at, work.due_provisional = (due.due_at, due.provisional) if due else (None, False)
        ladder.arm_work(ctx, work)
    assignments.record(session, fam, subject, from_squad_id=old, actor=actor, now=now, basis=basis,
                       return_id=return_id, reason=reason)
    names = (session.get(Squad, old).name, session.get(Squad, to_squad_id).name)
    label = {"return": "退单改派", "final": "局领导终审改派", "direct": "改派"}[basis]
    audit.record(session, actor=actor, now=now, family=fam.name, subject_id=subject.id, action="reassigned",
                 summary=f"{label}：{names[0]} → {names[1]}", opinion=reason,
                 details={"from_squad_id": old, "to_squad_id": to_squad_id, "basis": basis, "return_id": return_id,
                          "deadline_at": subject.deadline_at.isoformat() if subject.deadline_at else None})
    for part in co_squads or []:
        cosquads.add(session, actor=actor, now=now, family=fam.name, subject_id=subject.id, part=part)
    ladder.arm_subject(ctx, fam, subject)
    ladder.update_level(ctx, fam, subject, now)
    subjects.project(session, fam, subject, now)


def rejected(row: JurisdictionReturn) -> bool:
    """Was the return refused: by the coordination section, or by the leader keeping the same squad?"""
    return row.status == "rejected" or (row.status == "final" and row.to_squad_id == row.squad_id)


def counts(session: Session, start: datetime, end: datetime) -> dict[int, dict[str, int]]:
    """Per returning squad: returns filed in [start, end) and how many of them were rejected."""
    rows = session.execute(select(JurisdictionReturn.squad_id, JurisdictionReturn.status,
                                  JurisdictionReturn.to_squad_id == JurisdictionReturn.squad_id, func.count())
                           .where(JurisdictionReturn.filed_at >= start, JurisdictionReturn.filed_at < end)
                           .group_by(JurisdictionReturn.squad_id, JurisdictionReturn.status,
                                     JurisdictionReturn.to_squad_id == JurisdictionReturn.squad_id))
    out: dict[int, dict[str, int]] = {}
    for squad_id, status, same, n in rows:
        entry = out.setdefault(squad_id, {"returns": 0, "returns_rejected": 0})
        entry["returns"] += n
        if status == "rejected" or (status == "final" and same):
            entry["returns_rejected"] += n
    return out
