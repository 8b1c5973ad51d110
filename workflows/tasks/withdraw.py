"""撤回: a user takes back the step they completed last on a subject, while the steps it opened are still
untouched (nobody claimed, transferred, delegated or drafted them). The process really goes back: the step is
open again for them with its old due time, the next steps disappear, the handler's changes to the subject are
undone, and the audit trail keeps both the completion and the withdrawal (reports leave withdrawn ones out)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from models.audit import AuditEntry
from models.engine import WorkItem
from models.org import User
from workflows import audit, engine
from workflows.deadlines import ladder
from workflows.errors import Conflict
from workflows.tasks import lifecycle, parts, snapshot
from workflows.tasks.access import visible

NOT_YOURS = "只能撤回您本人刚刚办理的环节"


def last_completion(session, family: str, subject_id: int) -> AuditEntry | None:
    """The subject's latest completion, unless it was already withdrawn."""
    entry = session.scalar(select(AuditEntry).where(
        AuditEntry.family == family, AuditEntry.subject_id == subject_id,
        AuditEntry.action.in_(("complete", "withdraw"))).order_by(AuditEntry.seq.desc()).limit(1))
    return entry if entry is not None and entry.action == "complete" else None


def blockers(session, entry: AuditEntry) -> list[str]:
    """Why the completion can no longer be withdrawn (empty when it can)."""
    opened = list(session.scalars(select(WorkItem).where(WorkItem.opened_by_task == entry.details.get("task_uuid"))))
    if not opened:
        return ["后续环节已办理或流程已办结"]
    return [f"“{w.step_name}”已被签收或处理" for w in opened
            if w.claimed_at is not None or w.owner_id is not None or w.draft]


def can_withdraw(session, actor: User, family: str, subject_id: int, final_steps=frozenset()) -> AuditEntry | None:
    entry = last_completion(session, family, subject_id)
    if entry is None or entry.actor_id != actor.id or entry.step in final_steps or blockers(session, entry):
        return None
    return entry


def withdraw(session, *, actor: User, now: datetime, family: str, subject_id: int) -> WorkItem:
    fam, subject = visible(session, actor, family, subject_id, lock=True)
    entry = last_completion(session, family, subject.id)
    if entry is None or entry.actor_id != actor.id:
        raise Conflict(NOT_YOURS)
    if entry.step in fam.final_steps:
        raise Conflict(f"“{entry.details.get('step_name', entry.step)}”已对外生效，不能撤回")
    reasons = blockers(session, entry)
    if reasons:
        raise Conflict("不能撤回：" + "；".join(reasons))
    task_uuid = entry.details["task_uuid"]
    try:
        snap = engine.reset_to(session, subject.instance_id, task_uuid, now)
    except (engine.StepConflict, StaleDataError) as exc:
        raise Conflict("流程状态已变化，不能撤回，请刷新页面") from exc
    snapshot.restore(subject, entry.details.get("restore") or {})
    if entry.step == fam.assign_step:  # the co-squads' branches went with the 交办: they wait for the next one
        parts.unopen(session, fam.name, subject.id)
    lifecycle.after_advance(session, fam, subject, snap.instance, snap, now)
    work = session.scalar(select(WorkItem).where(WorkItem.task_uuid == task_uuid))
    if work is not None:  # the step is theirs again, on its old clock
        work.assignee_id, work.claimed_at = actor.id, now
        work.started_at = datetime.fromisoformat(entry.details["started_at"])
        due = entry.details.get("due_at")
        work.due_at, work.alert_stage = (datetime.fromisoformat(due) if due else None), 0
        ladder.arm_work(ladder.Context(session), work)
    audit.record(session, actor=actor, now=now, family=family, subject_id=subject.id, action="withdraw",
                 step=entry.step, summary=f"撤回已办理的环节“{entry.details.get('step_name', entry.step)}”",
                 details={"entry_id": entry.id, "task_uuid": task_uuid})
    session.flush()
    return work
