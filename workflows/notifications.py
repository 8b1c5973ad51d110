"""In-app notifications with unique keys (inserted with ON CONFLICT DO NOTHING: never twice), who gets
them, and the optional e-mail outbox. Domain code passes `now`; nothing here reads the clock or config."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime

from sqlalchemy import String, case, cast, func, insert, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from models.engine import WorkItem
from models.notifications import Notification, NotificationSetting
from models.org import Role, User, UserRole

log = logging.getLogger(__name__)
ESCALATION_STEPS = {"leader_supervise"}  # steps the process opens on escalation (announced by the ladder)
GROUP_ROLES = {
    "squad": (Role.SQUAD_LEADER, Role.SQUAD_MEMBER),
    "coordination": (Role.COORDINATOR,),
    "leader": (Role.LEADER,),
}


def _insert(session: Session):
    return (postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert)(Notification)


def notify(session: Session, *, key: str, user_ids: Iterable[int], kind: str, title: str, now: datetime,
           body: str = "", level: str = "info", family: str | None = None, subject_id: int | None = None,
           task_uuid: str | None = None) -> int:
    """One notification per user under `key:u<id>`; an existing key is left alone. Returns rows added."""
    users = sorted(set(user_ids))
    if not users:
        return 0
    mail = set(session.scalars(select(NotificationSetting.user_id).where(
        NotificationSetting.user_id.in_(users), NotificationSetting.email_enabled.is_(True),
        NotificationSetting.email != "")))
    rows = [{"key": f"{key}:u{uid}"[:200], "user_id": uid, "kind": kind, "level": level, "title": title[:200],
             "body": body, "family": family, "subject_id": subject_id, "task_uuid": task_uuid, "created_at": now,
             "email_status": "pending" if uid in mail else "none"} for uid in users]
    statement = _insert(session).on_conflict_do_nothing(index_elements=["key"]).returning(Notification.id)
    return len(session.execute(statement, rows).all())  # executemany: one cached statement, any row count


def role_users(session: Session, roles: Iterable[Role], *, squad_id: int | None = None) -> list[int]:
    query = (select(User.id).distinct().join(UserRole, UserRole.user_id == User.id)
             .where(UserRole.role.in_(list(roles)), User.active.is_(True)))
    if squad_id is not None:
        query = query.where(User.squad_id == squad_id)
    return list(session.scalars(query))


def holders(session: Session, work: WorkItem) -> list[int]:
    """Who holds an open step: its assignee, else everybody of its unit who may claim it."""
    if work.assignee_id is not None:
        return [work.assignee_id]
    roles = GROUP_ROLES.get(work.step_group, ())
    squad = work.squad_id if work.step_group == "squad" else None
    return role_users(session, roles, squad_id=squad) if roles else []


def _holders_query(work: WorkItem):
    """The users who hold an open step (its assignee, else everybody of its unit who may claim it), as SQL."""
    if work.assignee_id is not None:
        return User.id == work.assignee_id
    roles = GROUP_ROLES.get(work.step_group, ())
    if not roles:
        return None
    clause = User.active.is_(True) & User.id.in_(select(UserRole.user_id).where(UserRole.role.in_(list(roles))))
    if work.step_group == "squad":
        clause &= User.squad_id == work.squad_id
    return clause


def notify_holders(session: Session, work: WorkItem, *, key: str, kind: str, title: str, now: datetime,
                   level: str = "info") -> int:
    """`notify` to whoever holds the step, in ONE statement: INSERT ... SELECT over the holders, with each
    one's e-mail preference, skipping keys already sent. A plain INSERT (the dialects' ON CONFLICT constructs
    are compiled anew every time): the key names a step this transaction has just opened, so no other
    transaction can be adding it at the same moment."""
    who = _holders_query(work)
    if who is None:
        return 0
    mail = (select(NotificationSetting.user_id).where(
        NotificationSetting.user_id == User.id, NotificationSetting.email_enabled.is_(True),
        NotificationSetting.email != "").exists())
    rows = select(
        func.substr(literal(f"{key}:u") + cast(User.id, String), 1, 200), User.id, literal(kind), literal(level),
        literal(title[:200]), literal(work.subject_title), literal(work.family), literal(work.subject_id),
        literal(work.task_uuid), literal(now, Notification.created_at.type),
        case((mail, "pending"), else_="none"),
    ).where(who, ~select(Notification.id).where(
        Notification.key == func.substr(literal(f"{key}:u") + cast(User.id, String), 1, 200)).exists())
    columns = ["key", "user_id", "kind", "level", "title", "body", "family", "subject_id", "task_uuid", "created_at",
               "email_status"]
    return session.execute(insert(Notification).from_select(columns, rows)).rowcount or 0


def work_added(session: Session, added: Iterable, now: datetime) -> int:
    """Assignment (or return, when the engine says the step was done before) notifications for newly opened
    steps; `added` holds each new row with the engine's ReadyStep. One statement per step."""
    count = 0
    for work, step in added:
        if work.step in ESCALATION_STEPS:
            continue
        returned = bool(getattr(step, "repeated", False))
        kind, verb = ("returned", "被退回重办") if returned else ("assigned", "待办理")
        count += notify_holders(session, work, key=f"{kind}:work:{work.task_uuid}", kind=kind, now=now,
                                title=f"{work.subject_number}「{work.step_name}」{verb}",
                                level="warning" if returned else "info")
    return count


def work_reassigned(session: Session, work: WorkItem, now: datetime) -> int:
    return notify(session, key=f"assigned:work:{work.task_uuid}", user_ids=[work.assignee_id], kind="assigned",
                  title=f"{work.subject_number}「{work.step_name}」转由您办理", body=work.subject_title, now=now,
                  family=work.family, subject_id=work.subject_id, task_uuid=work.task_uuid)


def unread_count(session: Session, user_id: int) -> int:
    return session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == user_id, Notification.read_at.is_(None))) or 0


def mark_read(session: Session, *, user_id: int, now: datetime, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications read (only their own); all unread ones when ids is None."""
    query = update(Notification).where(Notification.user_id == user_id, Notification.read_at.is_(None))
    if ids is not None:
        query = query.where(Notification.id.in_(list(ids)))
    return session.execute(query.values(read_at=now)).rowcount or 0


def set_email(session: Session, *, user_id: int, email: str, enabled: bool) -> NotificationSetting:
    setting = session.get(NotificationSetting, user_id) or NotificationSetting(user_id=user_id)
    setting.email, setting.email_enabled = email.strip(), enabled
    session.add(setting)
    session.flush()
    return setting


Mailer = Callable[[str, str, str], None]  # (to, subject, body)


def send_pending_email(new_session: Callable[[], Session], mailer: Mailer, now: datetime, limit: int = 200) -> int:
    """Claim pending e-mails ('sending', committed), then send; a crash between the two never sends twice."""
    with new_session() as session:
        rows = session.execute(
            select(Notification.id, Notification.title, Notification.body, NotificationSetting.email)
            .join(NotificationSetting, NotificationSetting.user_id == Notification.user_id)
            .where(Notification.email_status == "pending").order_by(Notification.id).limit(limit)
            .with_for_update(skip_locked=True, of=Notification)).all()
        if not rows:
            return 0
        session.execute(update(Notification).where(Notification.id.in_([r.id for r in rows]))
                        .values(email_status="sending"))
        session.commit()
    sent = 0
    for row in rows:
        status = "sent"
        try:
            mailer(row.email, f"【督办系统】{row.title}", row.body or row.title)
            sent += 1
        except Exception:  # noqa: BLE001 - one bad address must not stop the others
            log.exception("e-mail for notification %s failed", row.id)
            status = "failed"
        with new_session() as session:
            session.execute(update(Notification).where(Notification.id == row.id)
                            .values(email_status=status, emailed_at=now))
            session.commit()
    return sent
