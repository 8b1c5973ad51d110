"""催办: a coordinator or bureau leader urges the holder of an open step of any family. An overdue subject
urged again turns red (and gets its 督办单)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from models.deadlines import ClockEvent, Urge
from models.engine import WorkItem
from models.org import Role, User
from workflows import audit, counting, notifications
from workflows.deadlines import ladder
from workflows.errors import Conflict, InvalidInput, PermissionDenied
from workflows.tasks.access import visible

URGERS = {Role.COORDINATOR, Role.LEADER}
MAX_MESSAGE = 500


def urge(session, *, actor: User, now: datetime, family: str, subject_id: int, task_uuid: str,
         message: str) -> Urge:
    if not actor.has(*URGERS):
        raise PermissionDenied("只有协调科或局领导可以催办")
    fam, subject = visible(session, actor, family, subject_id, lock=True)  # subject first: the global lock order
    work = session.scalar(select(WorkItem).where(WorkItem.task_uuid == task_uuid))
    if work is None or work.family != family or work.subject_id != subject.id:
        raise Conflict("该环节已办理完毕，无需催办")
    text = (message or "").strip()
    if not text:
        raise InvalidInput("请填写催办内容", "message")
    if len(text) > MAX_MESSAGE:
        raise InvalidInput(f"催办内容不能超过 {MAX_MESSAGE} 字", "message")
    row = Urge(family=family, subject_id=subject.id, task_uuid=task_uuid, step_name=work.step_name,
               squad_id=work.squad_id, target_id=work.assignee_id, message=text, urged_by_id=actor.id, urged_at=now)
    session.add(row)
    session.flush()
    counting.increment(session, subject, "urge_count")
    session.add(ClockEvent(family=family, subject_id=subject.id, kind="urged", at=now, actor_id=actor.id,
                           note=f"「{work.step_name}」{text}"))
    audit.record(session, actor=actor, now=now, family=family, subject_id=subject.id, action="urge", step=work.step,
                 summary=f"催办环节「{work.step_name}」", opinion=text, details={"urge_id": row.id})
    notifications.notify(session, key=f"urge:{row.id}", user_ids=notifications.holders(session, work), kind="urged",
                         level="warning", title=f"催办：{work.subject_number}「{work.step_name}」",
                         body=f"{actor.name}：{text}", now=now, family=family, subject_id=subject.id,
                         task_uuid=task_uuid)
    ladder.update_level(ladder.Context(session), fam, subject, now, actor)
    session.flush()
    return row
