"""抄送: whoever sees a subject may give other users, or every active member of a squad or section, read-only
sight of it; they find it under 抄送我的, and the first time each opens it is kept as a read receipt."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite

from models.org import Role, User
from models.subjects import SubjectCc
from workflows import audit, notifications
from workflows.errors import InvalidInput, PermissionDenied
from workflows.tasks.access import visible

MAX_NOTE = 500
MAX_PEOPLE = 200


def _insert(session):
    return (postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert)(SubjectCc)


def recipients(session, user_ids: Iterable[int], squad_ids: Iterable[int], section_ids: Iterable[int]) -> list[User]:
    users, squads, sections = set(user_ids or ()), set(squad_ids or ()), set(section_ids or ())
    query = select(User).where(User.active.is_(True))
    wanted = []
    if users:
        wanted.append(User.id.in_(users))
    if squads:
        wanted.append(User.squad_id.in_(squads))
    if sections:
        wanted.append(User.section_id.in_(sections))
    if not wanted:
        return []
    from sqlalchemy import or_

    return list(session.scalars(query.where(or_(*wanted)).order_by(User.id)))


def may_cc(user: User, fam, subject) -> bool:
    """The supervisors (coordination section, leaders) and the lead squad's leader may CC a subject."""
    if not fam.may_act(user, subject):
        return False
    return user.has(Role.COORDINATOR, Role.LEADER) or (
        user.has(Role.SQUAD_LEADER) and user.squad_id is not None and user.squad_id == fam.squad_of(subject))


def cc(session, *, actor: User, now: datetime, family: str, subject_id: int, user_ids=(), squad_ids=(),
       section_ids=(), note: str = "") -> list[User]:
    """CC the subject; returns the users newly given sight of it (those already CC'd are left alone)."""
    fam, subject = visible(session, actor, family, subject_id, lock=True)
    if not may_cc(actor, fam, subject):
        raise PermissionDenied("只有协调科、局领导或承办中队中队长可以抄送")
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise InvalidInput(f"说明不能超过 {MAX_NOTE} 字", "note")
    people = [u for u in recipients(session, user_ids, squad_ids, section_ids) if u.id != actor.id]
    if not people:
        raise InvalidInput("请选择抄送的人员或单位", "user_ids")
    if len(people) > MAX_PEOPLE:
        raise InvalidInput(f"一次最多抄送 {MAX_PEOPLE} 人", "user_ids")
    rows = [{"family": family, "subject_id": subject.id, "user_id": u.id, "cc_by_id": actor.id, "cc_at": now,
             "note": note} for u in people]
    added = set(session.execute(_insert(session).on_conflict_do_nothing(
        index_elements=["family", "subject_id", "user_id"]).returning(SubjectCc.user_id), rows).scalars())
    new = [u for u in people if u.id in added]
    number, title = fam.label_of(subject)
    audit.record(session, actor=actor, now=now, family=family, subject_id=subject.id, action="cc",
                 summary=f"抄送 {len(new)} 人：" + "、".join(u.name for u in new[:10])
                 + ("等" if len(new) > 10 else ""),
                 opinion=note, details={"user_ids": sorted(added)})
    notifications.notify(session, key=f"cc:{family}:{subject.id}:{now.isoformat()}", user_ids=sorted(added),
                         kind="clock", title=f"抄送：{number} {title[:40]}", body=note, now=now, family=family,
                         subject_id=subject.id)
    return new


def mark_read(session, *, user: User, family: str, subject_id: int, now: datetime) -> bool:
    """A CC recipient opened the subject: keep the first moment (the read receipt)."""
    return bool(session.execute(update(SubjectCc).where(
        SubjectCc.family == family, SubjectCc.subject_id == subject_id, SubjectCc.user_id == user.id,
        SubjectCc.read_at.is_(None)).values(read_at=now)).rowcount)


def receipts(session, family: str, subject_id: int) -> list[tuple[SubjectCc, User]]:
    return list(session.execute(select(SubjectCc, User).join(User, User.id == SubjectCc.user_id).where(
        SubjectCc.family == family, SubjectCc.subject_id == subject_id).order_by(SubjectCc.cc_at, SubjectCc.id)).all())
