"""Clock actions on a subject (family, subject_id): 延期申请 request and decide, 挂起 suspend / resume,
催办 urge. Each checks permission, changes rows, records a ClockEvent and an audit entry, notifies, flushes."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update

from models.deadlines import ClockEvent, ExtensionRequest
from models.engine import WorkItem
from models.org import Role, User
from workflows import audit, counting, engine, notifications
from workflows.access import SQUAD_ROLES
from workflows.calendar import Deadline, end_of_local_day, local_day
from workflows.deadlines import ladder, registry
from workflows.deadlines.recompute import apply_deadline, refresh_steps
from workflows.errors import Conflict, InvalidInput, NotFound, PermissionDenied

APPROVER_ROLES = {"coordination": {Role.COORDINATOR, Role.LEADER}, "leader": {Role.LEADER}}
APPROVER_LABELS = {"coordination": "协调科", "leader": "局领导"}


def _event(session, adapter, subject, kind, actor, now, *, old=None, new=None, note="", extension_id=None):
    session.add(ClockEvent(family=adapter.family, subject_id=subject.id, kind=kind, at=now,
                           actor_id=actor.id if actor else None, old_deadline_at=old, new_deadline_at=new,
                           note=note, extension_id=extension_id))


def _open_subject(session, family: str, subject_id: int) -> tuple[registry.FamilyClock, Any]:
    adapter = registry.get(family)
    subject = adapter.load(session, subject_id, lock=True)
    if not adapter.is_open(subject):
        raise Conflict("该事项已办结，不能再调整时限")
    return adapter, subject


def _text(value: str | None, label: str, field: str, limit: int = 500) -> str:
    text = (value or "").strip()
    if not text:
        raise InvalidInput(f"请填写{label}", field)
    if len(text) > limit:
        raise InvalidInput(f"{label}不能超过 {limit} 字", field)
    return text


def request_extension(session, *, actor: User, now: datetime, family: str, subject_id: int, new_date: date | None,
                      reason: str) -> ExtensionRequest:
    adapter, subject = _open_subject(session, family, subject_id)
    if not actor.has(*SQUAD_ROLES) or adapter.squad_of(subject) != actor.squad_id:
        raise PermissionDenied("只有承办中队可以申请延期")
    reason = _text(reason, "延期理由", "reason")
    if new_date is None or new_date <= local_day(subject.deadline_at):
        raise InvalidInput("申请的新期限必须晚于当前期限", "new_date")
    if new_date > local_day(subject.deadline_at) + timedelta(days=365):
        raise InvalidInput("申请的新期限不能超过当前期限一年以上", "new_date")
    pending = session.scalar(select(func.count()).select_from(ExtensionRequest).where(
        ExtensionRequest.family == family, ExtensionRequest.subject_id == subject.id,
        ExtensionRequest.status == "pending"))
    if pending:
        raise Conflict("已有待审批的延期申请，请等待审批结果")
    group = adapter.approver_group(subject)
    req = ExtensionRequest(family=family, subject_id=subject.id, squad_id=actor.squad_id, reason=reason,
                           old_deadline_at=subject.deadline_at, requested_deadline_at=end_of_local_day(new_date),
                           approver_group=group, status="pending", requested_by_id=actor.id, requested_at=now)
    session.add(req)
    session.flush()
    counting.increment(session, subject, "extension_count")
    _event(session, adapter, subject, "extension_requested", actor, now, old=subject.deadline_at,
           new=req.requested_deadline_at, note=reason, extension_id=req.id)
    number, _ = adapter.title_of(subject)
    audit.record(session, actor=actor, now=now, family=family, subject_id=subject.id, action="extension_request",
                 summary=f"申请延期至 {new_date.isoformat()}（待{APPROVER_LABELS[group]}审批）", opinion=reason,
                 details={"extension_id": req.id, "new_date": new_date.isoformat()})
    approvers = notifications.role_users(session, [Role.LEADER] if group == "leader" else [Role.COORDINATOR])
    notifications.notify(session, key=f"extension-request:{req.id}", user_ids=approvers, kind="extension",
                         title=f"{number} 延期申请待审批：申请延至 {new_date.isoformat()}", body=reason, now=now,
                         family=family, subject_id=subject.id)
    return req


def decide_extension(session, *, actor: User, now: datetime, request_id: int, approve: bool,
                     opinion: str = "") -> ExtensionRequest:
    req = session.get(ExtensionRequest, request_id, with_for_update=True)
    if req is None:
        raise NotFound("延期申请不存在")
    if not actor.has(*APPROVER_ROLES[req.approver_group]):
        raise PermissionDenied(f"该延期申请须由{APPROVER_LABELS[req.approver_group]}审批")
    if req.status != "pending":
        raise Conflict("该延期申请已审批，不能重复处理")
    opinion = (opinion or "").strip()
    if not approve and not opinion:
        raise InvalidInput("不同意延期时请填写理由", "opinion")
    adapter, subject = _open_subject(session, req.family, req.subject_id)
    req.status, req.decided_by_id, req.decided_at, req.opinion = ("approved" if approve else "refused"), actor.id, \
        now, opinion
    verdict = "同意" if approve else "不同意"
    new_day = local_day(req.requested_deadline_at)
    if approve:
        ctx = ladder.Context(session)
        old = subject.deadline_at
        subject.deadline_basis = "extended"
        apply_deadline(ctx, adapter, subject, Deadline(req.requested_deadline_at, ctx.calendar.is_provisional_day(
            new_day)), now)
        _event(session, adapter, subject, "extension_approved", actor, now, old=old, new=subject.deadline_at,
               note=opinion, extension_id=req.id)
    else:
        _event(session, adapter, subject, "extension_refused", actor, now, note=opinion, extension_id=req.id)
    audit.record(session, actor=actor, now=now, family=req.family, subject_id=subject.id,
                 action="extension_approved" if approve else "extension_refused",
                 summary=f"{verdict}延期至 {new_day.isoformat()}", opinion=opinion, details={"extension_id": req.id})
    number, _ = adapter.title_of(subject)
    notifications.notify(session, key=f"extension-decided:{req.id}", user_ids=[req.requested_by_id], kind="extension",
                         title=f"{number} 延期申请：{verdict}（{new_day.isoformat()}）", body=opinion, now=now,
                         level="info" if approve else "warning", family=req.family, subject_id=subject.id)
    session.flush()
    return req


def _require_coordinator(actor: User) -> None:
    if not actor.has(Role.COORDINATOR):
        raise PermissionDenied("只有协调科可以挂起或恢复计时")


def suspend(session, *, actor: User, now: datetime, family: str, subject_id: int, reason: str) -> Any:
    _require_coordinator(actor)
    adapter, subject = _open_subject(session, family, subject_id)
    if subject.suspended_at is not None:
        raise Conflict("该事项已挂起")
    reason = _text(reason, "挂起原因", "reason")
    if subject.instance_id is not None:
        engine.send_message(session, subject.instance_id, "clock_suspended", {}, now)
    subject.suspended_at, subject.next_alert_at = now, None
    session.execute(update(WorkItem).where(WorkItem.family == family, WorkItem.subject_id == subject.id)
                    .values(next_alert_at=None))
    _event(session, adapter, subject, "suspended", actor, now, old=subject.deadline_at, note=reason)
    audit.record(session, actor=actor, now=now, family=family, subject_id=subject.id, action="suspend",
                 summary="挂起，暂停计时", opinion=reason)
    session.flush()
    return subject


def _shifted(ctx: ladder.Context, rule, moment: datetime, since: datetime, now: datetime) -> datetime:
    """A due moment pushed back by the suspended time (working days for working-day rules)."""
    if rule.unit != "workday":
        return moment + (now - since)
    days = ctx.calendar.working_days_between(local_day(since), local_day(now))
    return end_of_local_day(ctx.calendar.shift_working_days(local_day(moment), days)) if days > 0 else moment


def resume(session, *, actor: User, now: datetime, family: str, subject_id: int, note: str = "") -> Any:
    _require_coordinator(actor)
    adapter, subject = _open_subject(session, family, subject_id)
    if subject.suspended_at is None:
        raise Conflict("该事项未挂起")
    ctx = ladder.Context(session)
    rule = ctx.book(family).item(adapter.kind_of(subject))
    since, old = subject.suspended_at, subject.deadline_at
    new = _shifted(ctx, rule, old, since, now) if rule.pause_on_suspend else old
    apply_deadline(ctx, adapter, subject, Deadline(new, ctx.calendar.is_provisional_day(local_day(new))), now)
    subject.suspended_at = None  # the deadline moved while suspended: now resume the process and the ladder
    if subject.instance_id is not None:
        engine.send_message(session, subject.instance_id, "clock_changed",
                            adapter.clock_payload(ctx.calendar, ctx.book(family), subject), now)
    refresh_steps(ctx, adapter, subject)
    ladder.arm_subject(ctx, adapter, subject)
    _event(session, adapter, subject, "resumed", actor, now, old=old, new=new, note=(note or "").strip())
    audit.record(session, actor=actor, now=now, family=family, subject_id=subject.id, action="resume",
                 summary=f"恢复计时，期限 {local_day(new).isoformat()}", opinion=(note or "").strip())
    return subject
