"""Clock requests on a subject of any family, decided by its approver group (the coordination section, or a
bureau leader for the higher-level kinds): 延期申请 (a later deadline; the family's rule book may cap the total
extension, 信访件: 30 working days) and 挂起申请 (the clock pauses); and 恢复计时 (the deadline and open steps
move on by the working days the clock was paused). Each records a ClockEvent and an audit entry, notifies."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update

from models.deadlines import ClockEvent, ClockRequest
from models.engine import WorkItem
from models.org import Role, User
from workflows import audit, counting, families, notifications, subjects
from workflows.access import can_act
from workflows.calendar import Deadline, end_of_local_day, local_day
from workflows.deadlines import ladder
from workflows.deadlines.recompute import apply_deadline, open_steps
from workflows.errors import Conflict, InvalidInput, NotFound, PermissionDenied, required_text
from workflows.families import Family

APPROVER_ROLES = {"coordination": {Role.COORDINATOR, Role.LEADER}, "leader": {Role.LEADER}}
APPROVER_LABELS = {"coordination": "协调科", "leader": "局领导"}
KIND_LABELS = {"extension": "延期申请", "suspension": "挂起申请"}
MAX_REASON = 500


def _event(session, fam: Family, subject, kind, actor, now, *, old=None, new=None, note="", request_id=None):
    session.add(ClockEvent(family=fam.name, subject_id=subject.id, kind=kind, at=now,
                           actor_id=actor.id if actor else None, old_deadline_at=old, new_deadline_at=new,
                           note=note, request_id=request_id))


def _open_subject(session, family: str, subject_id: int) -> tuple[Family, Any]:
    fam = families.get(family)
    subject = families.lock(session, family, subject_id)
    if subject is None:
        raise NotFound("督办对象不存在")
    if str(subject.status) != "open":
        raise Conflict("该事项已办结，不能再调整时限")
    return fam, subject


def _text(value: str | None, label: str, field: str, limit: int = MAX_REASON) -> str:
    return required_text(value, label, field, limit)


def handles(session, actor: User, fam: Family, subject) -> bool:
    """Is the actor of the unit doing the work: the lead squad, or holding one of its open steps?"""
    if actor.has(Role.SQUAD_LEADER, Role.SQUAD_MEMBER) and actor.squad_id == fam.squad_of(subject):
        return True
    return any(can_act(actor, w) for w in open_steps(session, fam, subject) if w.step_group != "coordination")


def is_approver(actor: User, group: str) -> bool:
    return actor.has(*APPROVER_ROLES[group])


def _pending(session, fam: Family, subject) -> None:
    if session.scalar(select(func.count()).select_from(ClockRequest).where(
            ClockRequest.family == fam.name, ClockRequest.subject_id == subject.id,
            ClockRequest.status == "pending")):
        raise Conflict("已有待审批的时限申请，请等待审批结果")


def _check_new_date(ctx: ladder.Context, fam: Family, subject, new_date: date | None) -> None:
    current = local_day(subject.deadline_at)
    if new_date is None or new_date <= current:
        raise InvalidInput("申请的新期限必须晚于当前期限", "new_date")
    if new_date > current + timedelta(days=365):
        raise InvalidInput("申请的新期限不能超过当前期限一年以上", "new_date")
    cap = ctx.book(fam, subject).item(fam.kind_of(subject)).max_extension_workdays
    base = local_day(subject.base_deadline_at or subject.deadline_at)
    if cap is not None and ctx.calendar.working_days_between(base, new_date) > cap:
        latest = ctx.calendar.shift_working_days(base, cap)
        raise InvalidInput(f"累计延期不能超过 {cap} 个工作日（最晚 {latest.isoformat()}）", "new_date")


def _notify_approvers(session, req: ClockRequest, number: str, title: str, body: str, now: datetime) -> None:
    approvers = notifications.role_users(session, [Role.LEADER] if req.approver_group == "leader"
                                         else [Role.COORDINATOR])
    notifications.notify(session, key=f"clock-request:{req.id}", user_ids=approvers, kind="extension", title=title,
                         body=body, now=now, family=req.family, subject_id=req.subject_id)


def request_extension(session, *, actor: User, now: datetime, family: str, subject_id: int, new_date: date | None,
                      reason: str) -> ClockRequest:
    fam, subject = _open_subject(session, family, subject_id)
    if not handles(session, actor, fam, subject):
        raise PermissionDenied("只有承办单位可以申请延期")
    if subject.deadline_at is None:
        raise Conflict("该事项尚无办理期限，无需延期")
    reason = _text(reason, "延期理由", "reason")
    ctx = ladder.Context(session)
    _check_new_date(ctx, fam, subject, new_date)
    _pending(session, fam, subject)
    group = fam.approver_group(subject)
    req = ClockRequest(kind="extension", family=family, subject_id=subject.id, squad_id=actor.squad_id,
                       reason=reason, old_deadline_at=subject.deadline_at,
                       requested_deadline_at=end_of_local_day(new_date), approver_group=group, status="pending",
                       requested_by_id=actor.id, requested_at=now)
    session.add(req)
    session.flush()
    counting.increment(session, subject, "extension_count")
    _event(session, fam, subject, "extension_requested", actor, now, old=subject.deadline_at,
           new=req.requested_deadline_at, note=reason, request_id=req.id)
    number, _ = fam.label_of(subject)
    audit.record(session, actor=actor, now=now, family=family, subject_id=subject.id, action="extension_request",
                 summary=f"申请延期至 {new_date.isoformat()}（待{APPROVER_LABELS[group]}审批）", opinion=reason,
                 details={"request_id": req.id, "new_date": new_date.isoformat()})
    _notify_approvers(session, req, number, f"{number} 延期申请待审批：申请延至 {new_date.isoformat()}", reason, now)
    return req


def _suspend(session, fam: Family, subject, actor: User, now: datetime, reason: str, request_id: int) -> None:
    subject.suspended_at, subject.next_alert_at = now, None
    session.execute(update(WorkItem).where(WorkItem.family == fam.name, WorkItem.subject_id == subject.id)
                    .values(next_alert_at=None))
    _event(session, fam, subject, "suspended", actor, now, old=subject.deadline_at, note=reason,
           request_id=request_id)
    audit.record(session, actor=actor, now=now, family=fam.name, subject_id=subject.id, action="suspend",
                 summary="挂起，暂停计时", opinion=reason, details={"request_id": request_id})
    subjects.project(session, fam, subject, now)


def request_suspension(session, *, actor: User, now: datetime, family: str, subject_id: int,
                       reason: str) -> ClockRequest:
    """A squad or the coordination section asks to pause the clock; an approver's own request takes effect."""
    fam, subject = _open_subject(session, family, subject_id)
    if not (actor.has(Role.COORDINATOR) or handles(session, actor, fam, subject)):
        raise PermissionDenied("只有承办单位或协调科可以申请挂起")
    if subject.suspended_at is not None:
        raise Conflict("该事项已挂起")
    reason = _text(reason, "挂起原因", "reason")
    _pending(session, fam, subject)
    group = fam.approver_group(subject)
    approved = is_approver(actor, group)
    req = ClockRequest(kind="suspension", family=family, subject_id=subject.id, squad_id=actor.squad_id,
                       reason=reason, old_deadline_at=subject.deadline_at, approver_group=group,
                       status="approved" if approved else "pending", requested_by_id=actor.id, requested_at=now,
                       decided_by_id=actor.id if approved else None, decided_at=now if approved else None)
    session.add(req)
    session.flush()
    if approved:
        _suspend(session, fam, subject, actor, now, reason, req.id)
        return req
    _event(session, fam, subject, "suspension_requested", actor, now, old=subject.deadline_at, note=reason,
           request_id=req.id)
    number, _ = fam.label_of(subject)
    audit.record(session, actor=actor, now=now, family=family, subject_id=subject.id, action="suspension_request",
                 summary=f"申请挂起（待{APPROVER_LABELS[group]}审批）", opinion=reason, details={"request_id": req.id})
    _notify_approvers(session, req, number, f"{number} 挂起申请待审批", reason, now)
    return req


def _approve_extension(session, fam: Family, subject, req: ClockRequest, actor: User, now: datetime,
                       opinion: str) -> None:
    ctx = ladder.Context(session)
    old = subject.deadline_at
    day = local_day(req.requested_deadline_at)
    apply_deadline(ctx, fam, subject, Deadline(req.requested_deadline_at, ctx.calendar.is_provisional_day(day)), now,
                   basis="extended")
    _event(session, fam, subject, "extension_approved", actor, now, old=old, new=subject.deadline_at, note=opinion,
           request_id=req.id)


def decide(session, *, actor: User, now: datetime, request_id: int, approve: bool, opinion: str = "") -> ClockRequest:
    req = session.get(ClockRequest, request_id)
    if req is None or not is_approver(actor, req.approver_group):
        raise NotFound("时限申请不存在")
    fam, subject = _open_subject(session, req.family, req.subject_id)  # subject first: the global lock order
    session.refresh(req, with_for_update=True)
    if req.status != "pending":
        raise Conflict("该申请已审批，不能重复处理")
    opinion = (opinion or "").strip()
    if not approve and not opinion:
        raise InvalidInput("不同意时请填写理由", "opinion")
    if len(opinion) > MAX_REASON:
        raise InvalidInput(f"意见不能超过 {MAX_REASON} 字", "opinion")
    req.status, req.decided_by_id, req.decided_at, req.opinion = ("approved" if approve else "refused"), actor.id, \
        now, opinion
    verdict = "同意" if approve else "不同意"
    if req.kind == "extension":
        what = f"延期至 {local_day(req.requested_deadline_at).isoformat()}"
        if approve:
            _approve_extension(session, fam, subject, req, actor, now, opinion)
        else:
            _event(session, fam, subject, "extension_refused", actor, now, note=opinion, request_id=req.id)
    else:
        what = "挂起"
        if approve:
            _suspend(session, fam, subject, actor, now, req.reason, req.id)
        else:
            _event(session, fam, subject, "suspension_refused", actor, now, note=opinion, request_id=req.id)
    action = f"{req.kind}_{'approved' if approve else 'refused'}"
    audit.record(session, actor=actor, now=now, family=req.family, subject_id=subject.id, action=action,
                 summary=f"{verdict}{what}", opinion=opinion, details={"request_id": req.id})
    number, _ = fam.label_of(subject)
    notifications.notify(session, key=f"clock-decided:{req.id}", user_ids=[req.requested_by_id], kind="extension",
                         title=f"{number} {KIND_LABELS[req.kind]}：{verdict}{what}", body=opinion, now=now,
                         level="info" if approve else "warning", family=req.family, subject_id=subject.id)
    session.flush()
    return req


def _shifted(ctx: ladder.Context, unit: str, moment: datetime, since: datetime, now: datetime) -> datetime:
    """A due moment pushed back by the paused time (working days for working-day rules)."""
    if unit != "workday":
        return moment + (now - since)
    days = ctx.calendar.working_days_between(local_day(since), local_day(now))
    return end_of_local_day(ctx.calendar.shift_working_days(local_day(moment), days)) if days > 0 else moment


def resume(session, *, actor: User, now: datetime, family: str, subject_id: int, note: str = "") -> Any:
    fam, subject = _open_subject(session, family, subject_id)
    if not is_approver(actor, fam.approver_group(subject)) and not actor.has(Role.COORDINATOR):
        raise PermissionDenied("只有协调科或审批人可以恢复计时")
    if subject.suspended_at is None:
        raise Conflict("该事项未挂起")
    note = (note or "").strip()[:MAX_REASON]
    ctx = ladder.Context(session)
    rule = ctx.book(fam, subject).item(fam.kind_of(subject))
    since, old = subject.suspended_at, subject.deadline_at
    subject.suspended_at = None
    if rule.pause_on_suspend and old is not None:
        for work in open_steps(session, fam, subject):
            if work.due_at is not None:
                work.due_at, work.alert_stage = _shifted(ctx, rule.unit, work.due_at, since, now), 0
        new = _shifted(ctx, rule.unit, old, since, now)
        apply_deadline(ctx, fam, subject, Deadline(new, ctx.calendar.is_provisional_day(local_day(new))), now,
                       basis="adjusted" if new != old else None, refresh=False)
        for work in open_steps(session, fam, subject):
            ladder.arm_work(ctx, work)
    else:
        ladder.arm_subject(ctx, fam, subject)
        ladder.update_level(ctx, fam, subject, now)
    _event(session, fam, subject, "resumed", actor, now, old=old, new=subject.deadline_at, note=note)
    new_day = local_day(subject.deadline_at).isoformat() if subject.deadline_at else "—"
    audit.record(session, actor=actor, now=now, family=family, subject_id=subject.id, action="resume",
                 summary=f"恢复计时，期限 {new_day}", opinion=note)
    return subject


def history(session, family: str, subject_id: int) -> dict:
    """Clock events, clock requests and urges of one subject, oldest first."""
    from models.deadlines import Urge

    def rows(model, *order):
        return list(session.scalars(select(model).where(model.family == family, model.subject_id == subject_id)
                                    .order_by(*order)))

    return {"events": rows(ClockEvent, ClockEvent.at, ClockEvent.id), "requests": rows(ClockRequest, ClockRequest.id),
            "urges": rows(Urge, Urge.id)}
