"""催办 urge: a coordinator or leader urges the holder of an open step; and the clock history of a subject."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from models.deadlines import ClockEvent, ExtensionRequest, Urge
from models.engine import WorkItem
from models.org import Role, User
from workflows import audit, counting, families, notifications
from workflows.errors import Conflict, InvalidInput, NotFound, PermissionDenied

URGERS = {Role.COORDINATOR, Role.LEADER}


def urge(session, *, actor: User, now: datetime, family: str, subject_id: int, task_uuid: str,
         message: str) -> Urge:
    if not actor.has(*URGERS):
        raise PermissionDenied("只有协调科或局领导可以催办")
    subject = families.lock(session, family, subject_id)  # subject first: the global lock order
    if subject is None:
        raise NotFound("督办对象不存在")
    work = session.scalar(select(WorkItem).where(WorkItem.task_uuid == task_uuid))
    if work is None or work.family != family or work.subject_id != subject_id:
        raise Conflict("该环节已办理完毕，无需催办")
    text = (message or "").strip()
    if not text:
        raise InvalidInput("请填写催办内容", "message")
    if len(text) > 500:
        raise InvalidInput("催办内容不能超过 500 字", "message")
    targets = notifications.holders(session, work)
    row = Urge(family=family, subject_id=subject_id, task_uuid=task_uuid, step_name=work.step_name,
               squad_id=work.squad_id, target_id=work.assignee_id, message=text, urged_by_id=actor.id, urged_at=now)
    session.add(row)
    session.flush()
    if hasattr(subject, "urge_count"):
        counting.increment(session, subject, "urge_count")
    session.add(ClockEvent(family=family, subject_id=subject_id, kind="urged", at=now, actor_id=actor.id,
                           note=f"「{work.step_name}」{text}"))
    audit.record(session, actor=actor, now=now, family=family, subject_id=subject_id, action="urge", step=work.step,
                 summary=f"催办环节「{work.step_name}」", opinion=text, details={"urge_id": row.id})
    notifications.notify(session, key=f"urge:{row.id}", user_ids=targets, kind="urged", level="warning",
                         title=f"催办：{work.subject_number}「{work.step_name}」", body=f"{actor.name}：{text}",
                         now=now, family=family, subject_id=subject_id, task_uuid=task_uuid)
    session.flush()
    return row


def history(session, family: str, subject_id: int) -> dict:
    """Clock events, extension requests and urges of one subject, oldest first."""
    events = list(session.scalars(select(ClockEvent).where(ClockEvent.family == family,
                                                           ClockEvent.subject_id == subject_id)
                                  .order_by(ClockEvent.at, ClockEvent.id)))
    requests = list(session.scalars(select(ExtensionRequest).where(ExtensionRequest.family == family,
                                                                   ExtensionRequest.subject_id == subject_id)
                                    .order_by(ExtensionRequest.id)))
    urges = list(session.scalars(select(Urge).where(Urge.family == family, Urge.subject_id == subject_id)
                                 .order_by(Urge.id)))
    return {"events": events, "requests": requests, "urges": urges}
