"""批注 (a remark on a subject or one of its open steps, without completing it) and 跟进日期 (a user's private
date on an open step: when it arrives the step rises in their 待办 and they are reminded)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import delete, select

from models.engine import WorkItem
from models.org import User
from models.subjects import FollowUp
from workflows import audit, notifications, users
from workflows.access import can_act
from workflows.calendar import LOCAL_TZ, local_day
from workflows.errors import InvalidInput, PermissionDenied
from workflows.tasks.access import visible
from workflows.tasks.claim import locked_work

MAX_COMMENT = 2000
FOLLOW_UP_HOUR = 9  # a follow-up date reminds at 09:00 Shanghai time


def comment(session, *, actor: User, now: datetime, family: str, subject_id: int, text: str,
            task_uuid: str | None = None) -> None:
    fam, subject = visible(session, actor, family, subject_id, lock=True)
    text = (text or "").strip()
    if not text:
        raise InvalidInput("请填写批注内容", "text")
    if len(text) > MAX_COMMENT:
        raise InvalidInput(f"批注不能超过 {MAX_COMMENT} 字", "text")
    work = session.scalar(select(WorkItem).where(WorkItem.task_uuid == task_uuid)) if task_uuid else None
    if work is not None and (work.family, work.subject_id) != (family, subject.id):
        work = None
    where = f"在“{work.step_name}”环节" if work else ""
    audit.record(session, actor=actor, now=now, family=family, subject_id=subject.id, action="comment",
                 step=work.step if work else None, summary=f"{where}批注", opinion=text)
    if work is not None:
        people = [uid for uid in notifications.holders(session, work) if uid != actor.id]
        notifications.notify(session, key=f"comment:{work.task_uuid}:{now.isoformat()}", user_ids=people,
                             kind="clock", title=f"{actor.name}批注：{work.subject_number}「{work.step_name}」",
                             body=text[:200], now=now, family=family, subject_id=subject.id, task_uuid=work.task_uuid)


def set_follow_up(session, *, actor: User, now: datetime, work_id: int, on: date | None, note: str = "") -> FollowUp:
    work = locked_work(session, work_id)
    if not (can_act(actor, work) or work.owner_id == actor.id):
        raise PermissionDenied("只能为自己办理的环节设置跟进日期")
    if on is None or on < local_day(now):
        raise InvalidInput("跟进日期不能早于今天", "on")
    if on > local_day(now).replace(year=local_day(now).year + 1):
        raise InvalidInput("跟进日期不能超过一年", "on")
    note = (note or "").strip()
    if len(note) > 200:
        raise InvalidInput("备注不能超过 200 字", "note")
    at = datetime(on.year, on.month, on.day, FOLLOW_UP_HOUR, tzinfo=LOCAL_TZ)
    row = session.scalar(select(FollowUp).where(FollowUp.task_uuid == work.task_uuid, FollowUp.user_id == actor.id))
    if row is None:
        row = FollowUp(task_uuid=work.task_uuid, family=work.family, subject_id=work.subject_id, user_id=actor.id)
        session.add(row)
    row.follow_up_at, row.note, row.notified_at = at, note, None
    _record_private(session, actor, now, work, "follow_up",
                    f"设置跟进日期 {on}：{work.subject_number}「{work.step_name}」")
    session.flush()
    return row


def clear_follow_up(session, *, actor: User, now: datetime, work_id: int) -> bool:
    work = session.get(WorkItem, work_id)
    if work is None:
        return False
    gone = bool(session.execute(delete(FollowUp).where(FollowUp.task_uuid == work.task_uuid,
                                                       FollowUp.user_id == actor.id)).rowcount)
    if gone:
        _record_private(session, actor, now, work, "clear_follow_up",
                        f"取消跟进日期：{work.subject_number}「{work.step_name}」")
    return gone


def _record_private(session, actor: User, now: datetime, work: WorkItem, action: str, summary: str) -> None:
    """A follow-up date is the user's own: it is audited on the user's chain, not on the subject's timeline
    that others read."""
    users.locked(session, actor.id)
    audit.record(session, actor=actor, now=now, family="user", subject_id=actor.id, action=action,
                 step=work.step, summary=summary,
                 details={"family": work.family, "subject_id": work.subject_id, "task_uuid": work.task_uuid})


def remind_due(session, now: datetime) -> int:
    """The scheduler's sweep: remind each due follow-up of a still-open step once; returns how many."""
    rows = session.execute(select(FollowUp, WorkItem).join(WorkItem, WorkItem.task_uuid == FollowUp.task_uuid)
                           .where(FollowUp.notified_at.is_(None), FollowUp.follow_up_at <= now)
                           .with_for_update(skip_locked=True, of=FollowUp).limit(500)).all()
    for follow, work in rows:
        notifications.notify(session, key=f"follow-up:{follow.id}:{follow.follow_up_at.isoformat()}",
                             user_ids=[follow.user_id], kind="clock", level="warning",
                             title=f"跟进提醒：{work.subject_number}「{work.step_name}」",
                             body=follow.note or work.subject_title, now=now, family=work.family,
                             subject_id=work.subject_id, task_uuid=work.task_uuid)
        follow.notified_at = now
    session.flush()
    return len(rows)
