"""Co-squads (协办) of a subject of any family: named with the lead squad at 交办 or later while the subject is
open, each with its part and its own limit; each runs its own branch of the family's multi-instance activity
(签收 → 协查 → 反馈). A branch can be added to a running subject without touching the others; a co-squad that
has not signed for its part can be removed with a reason; a late one is marked missing when the family's rule
lets the lead proceed. Co-squad steps sit with the co-squad, so access, worklists, badges and reports count
them for it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.engine import WorkItem
from models.org import Role, Squad, User
from models.responsibility import CoSquadPart
from workflows import audit, engine
from workflows.errors import Conflict, InvalidInput, PermissionDenied
from workflows.families import Family
from workflows.steps import StepContext, StepOutcome
from workflows.tasks import lifecycle
from workflows.tasks.access import visible
from workflows.tasks.parts import STEPS, parts_of

MAX_PARTS = 10
MAX_PART = 1000


@dataclass(frozen=True)
class PartInput:
    squad_id: int
    part: str


def _check(session: Session, fam: Family, subject: Any, inputs: list[PartInput], lead_squad_id: int | None) -> None:
    if fam.co_squad_activity is None:
        raise InvalidInput(f"{fam.label}不设协办中队", "co_squads")
    taken = {p.squad_id for p in parts_of(session, fam.name, subject.id, live_only=True)}
    if len(taken) + len(inputs) > MAX_PARTS:
        raise InvalidInput(f"协办中队最多 {MAX_PARTS} 个", "co_squads")
    for one in inputs:
        if session.get(Squad, one.squad_id or 0) is None:
            raise InvalidInput("请选择协办中队", "co_squads")
        if one.squad_id == lead_squad_id:
            raise InvalidInput("协办中队不能是主办中队", "co_squads")
        if one.squad_id in taken:
            raise InvalidInput("同一中队不能重复协办", "co_squads")
        if not one.part.strip() or len(one.part) > MAX_PART:
            raise InvalidInput(f"请写明协办中队承担的部分（不超过 {MAX_PART} 字）", "co_squads")
        taken.add(one.squad_id)


def _name(session: Session, fam: Family, subject: Any, inputs: list[PartInput], actor: User,
          now: datetime) -> list[CoSquadPart]:
    rows = [CoSquadPart(family=fam.name, subject_id=subject.id, squad_id=one.squad_id, part=one.part.strip(),
                        status="named", named_by_id=actor.id, named_at=now) for one in inputs]
    session.add_all(rows)
    session.flush()
    return rows


def read_inputs(values: dict) -> list[PartInput]:
    """Co-squads from a form's values: `co_squads` = [{"squad_id": .., "part": ..}, ...]."""
    raw = values.get("co_squads") or []
    if not isinstance(raw, list):
        raise InvalidInput("协办中队格式不正确", "co_squads")
    out = []
    for entry in raw:
        if isinstance(entry, dict) and not entry.get("squad_id") and not (entry.get("part") or "").strip():
            continue  # an empty row of the form
        try:
            out.append(PartInput(int(entry.get("squad_id") or 0), str(entry.get("part") or "")))
        except (AttributeError, TypeError, ValueError):
            raise InvalidInput("协办中队格式不正确", "co_squads") from None
    return out


def at_assign(session: Session, fam: Family, subject: Any, values: dict, outcome: StepOutcome, actor: User,
              now: datetime) -> None:
    """At the family's 交办 step: name the co-squads given with the lead and hand the branches to the engine."""
    inputs = read_inputs(values)
    if fam.co_squad_activity is None:
        return
    _check(session, fam, subject, inputs, getattr(subject, fam.squad_field))
    rows = _name(session, fam, subject, inputs, actor, now)
    named = [p for p in parts_of(session, fam.name, subject.id) if p.status == "named"]
    outcome.engine_data["co_squads"] = [p.id for p in named]
    if rows:
        names = "、".join(session.get(Squad, p.squad_id).name for p in rows)
        outcome.summary += f"；协办：{names}"
        outcome.details["co_squads"] = [{"part_id": p.id, "squad_id": p.squad_id, "part": p.part} for p in rows]


def _coordinator(actor: User) -> None:
    if not actor.has(Role.COORDINATOR):
        raise PermissionDenied("只有协调科可以调整协办中队")


def _open_subject(session: Session, actor: User, family: str, subject_id: int):
    fam, subject = visible(session, actor, family, subject_id, lock=True)
    if subject.status == "closed" or subject.instance_id is None:
        raise Conflict("该事项已办结，不能调整协办中队")
    return fam, subject


def _advance(session: Session, fam: Family, subject: Any, snap, now: datetime) -> None:
    lifecycle.after_advance(session, fam, subject, snap.instance, snap, now)


def add(session: Session, *, actor: User, now: datetime, family: str, subject_id: int,
        part: PartInput) -> CoSquadPart:
    """Name a co-squad while the subject is open: before 交办 it waits for it; while the co-squads work it gets
    its own branch at once; after the co-squad stage has finished it is refused."""
    _coordinator(actor)
    fam, subject = _open_subject(session, actor, family, subject_id)
    _check(session, fam, subject, [part], getattr(subject, fam.squad_field))
    [row] = _name(session, fam, subject, [part], actor, now)
    squad = session.get(Squad, row.squad_id)
    if not _assign_open(session, fam, subject):
        try:
            snap = engine.add_branch(session, subject.instance_id, fam.co_squad_activity, row.id, now)
        except engine.StepConflict:
            raise Conflict("协办阶段已经结束，不能再增加协办中队") from None
        _advance(session, fam, subject, snap, now)
    audit.record(session, actor=actor, now=now, family=fam.name, subject_id=subject.id, action="co_squad_added",
                 summary=f"增加协办中队：{squad.name}", opinion=row.part,
                 details={"part_id": row.id, "squad_id": row.squad_id})
    return row


def _assign_open(session: Session, fam: Family, subject: Any) -> bool:
    """Is the family's 交办 step still ahead (co-squads named now start with the lead)?"""
    if fam.assign_step is None:
        return False
    return session.scalar(select(WorkItem.id).where(WorkItem.family == fam.name, WorkItem.subject_id == subject.id,
                                                    WorkItem.step == fam.assign_step)) is not None


def _part(session: Session, fam: Family, subject: Any, part_id: int) -> CoSquadPart:
    part = session.get(CoSquadPart, part_id)
    if part is None or part.family != fam.name or part.subject_id != subject.id:
        raise Conflict("该协办中队已变更，请刷新页面")
    return part


def _open_step(session: Session, part: CoSquadPart) -> str | None:
    return session.scalar(select(WorkItem.step).where(
        WorkItem.family == part.family, WorkItem.subject_id == part.subject_id, WorkItem.squad_id == part.squad_id,
        WorkItem.step.in_(STEPS)))


def remove(session: Session, *, actor: User, now: datetime, family: str, subject_id: int, part_id: int,
           reason: str) -> CoSquadPart:
    """Remove a co-squad that has not signed for its part yet; its branch closes, the others go on."""
    _coordinator(actor)
    fam, subject = _open_subject(session, actor, family, subject_id)
    part = _part(session, fam, subject, part_id)
    reason = (reason or "").strip()
    if not reason or len(reason) > MAX_PART:
        raise InvalidInput("请填写撤销理由", "reason")
    if part.status == "open" and _open_step(session, part) != "co_accept":
        raise Conflict("协办中队已签收，不能撤销")
    if part.status not in ("named", "open"):
        raise Conflict("该协办中队已完成或已撤销")
    was_open = part.status == "open"
    part.status, part.removed_reason, part.finished_at = "removed", reason, now
    if was_open:
        snap = engine.close_branch(session, subject.instance_id, part.id, {"co_result": part.id, "co_removed": True},
                                   now)
        _advance(session, fam, subject, snap, now)
    audit.record(session, actor=actor, now=now, family=fam.name, subject_id=subject.id, action="co_squad_removed",
                 summary=f"撤销协办中队：{part.squad.name}", opinion=reason, details={"part_id": part.id})
    return part


def require_contributions(session: Session, fam: Family, subject: Any) -> None:
    """The lead's 拟复 needs every co-squad's contribution, or a late one marked missing (when the rule lets the
    lead proceed)."""
    waiting = [p for p in parts_of(session, fam.name, subject.id) if p.status in ("named", "open")]
    if waiting:
        names = "、".join(p.squad.name for p in waiting)
        hint = "按规定须等待其反馈" if fam.lead_waits(fam.kind_of(subject)) else "超期后可标记缺失再拟复"
        raise InvalidInput(f"协办中队尚未反馈：{names}（{hint}）", "files")


def can_mark_missing(fam: Family, subject: Any, part: CoSquadPart, now: datetime) -> bool:
    return (part.status == "open" and part.due_at is not None and now > part.due_at
            and not fam.lead_waits(fam.kind_of(subject)))


def mark_missing(session: Session, *, actor: User, now: datetime, family: str, subject_id: int,
                 part_id: int) -> CoSquadPart:
    """The lead proceeds without a late co-squad's contribution (when the rule book lets it): the contribution is
    recorded as missing, the lateness is the co-squad's."""
    fam, subject = _open_subject(session, actor, family, subject_id)
    lead = getattr(subject, fam.squad_field)
    if not (actor.has(Role.COORDINATOR) or (actor.has(Role.SQUAD_LEADER) and actor.squad_id == lead)):
        raise PermissionDenied("只有主办中队长或协调科可以不再等待协办反馈")
    part = _part(session, fam, subject, part_id)
    if not can_mark_missing(fam, subject, part, now):
        raise Conflict("该协办中队未超期或按规定须等待其反馈")
    part.status, part.late, part.finished_at = "missing", True, now
    snap = engine.close_branch(session, subject.instance_id, part.id, {"co_result": part.id, "co_missing": True}, now)
    _advance(session, fam, subject, snap, now)
    audit.record(session, actor=actor, now=now, family=fam.name, subject_id=subject.id, action="co_squad_missing",
                 summary=f"协办中队{part.squad.name}超期未反馈，主办中队不再等待（标记缺失）",
                 details={"part_id": part.id, "squad_id": part.squad_id, "due_at": part.due_at.isoformat()})
    return part


# Step handlers of every co-squad branch (any family): the part is found by the step's squad.

def _my_part(ctx: StepContext) -> CoSquadPart:
    part = ctx.session.scalar(select(CoSquadPart).where(
        CoSquadPart.family == ctx.work.family, CoSquadPart.subject_id == ctx.work.subject_id,
        CoSquadPart.squad_id == ctx.work.squad_id, CoSquadPart.status == "open"))
    if part is None:
        raise Conflict("该协办任务已撤销或已结束，请刷新页面")
    return part


def _co_accept(ctx: StepContext) -> StepOutcome:
    part = _my_part(ctx)
    handler = ctx.session.get(User, ctx.values.get("handler_id") or ctx.actor.id)
    if handler is None or handler.squad_id != part.squad_id or not handler.active:
        raise InvalidInput("承办人必须是本中队在岗人员", "handler_id")
    if not ctx.actor.has(Role.SQUAD_LEADER) and handler.id != ctx.actor.id:
        raise InvalidInput("队员签收只能由本人承办", "handler_id")
    part.handler_id = handler.id
    return StepOutcome(f"协办签收，承办人：{handler.name}", ctx.text("note", "备注", required=False),
                       details={"part_id": part.id, "handler_id": handler.id})


def _co_assist(ctx: StepContext) -> StepOutcome:
    part = _my_part(ctx)
    part.findings = ctx.text("findings", "协查情况")
    return StepOutcome("完成协查", part.findings, details={"part_id": part.id})


def _co_feedback(ctx: StepContext) -> StepOutcome:
    part = _my_part(ctx)
    part.contribution = ctx.text("contribution", "反馈意见")
    part.status, part.finished_at = "done", ctx.now
    part.late = bool(part.due_at and ctx.now > part.due_at)
    return StepOutcome("提交协办反馈", part.contribution, engine_data={"co_result": part.id},
                       details={"part_id": part.id, "late": part.late})


HANDLERS = {"co_accept": _co_accept, "co_assist": _co_assist, "co_feedback": _co_feedback}
