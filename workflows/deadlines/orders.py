"""督办单 (supervision order): issued in the bureau leaders' name, once per missed deadline, when a subject's
colour turns red; numbered per year from the shared counter; the lead squad must answer it in writing by a
deadline on the same working-day calendar. A leader may add a written instruction to it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from models.deadlines import ClockEvent
from models.org import Role, User
from models.subjects import SupervisionOrder
from workflows import audit, notifications, numbering
from workflows.calendar import load_calendar, local_day
from workflows.deadlines.rules import Rule
from workflows.errors import Conflict, NotFound, PermissionDenied, required_text
from workflows.families import Family

ISSUER = "长宁区城市管理行政执法局"
MAX_TEXT = 3000


def order_number(year: int, seq: int) -> str:
    return f"长城管督单〔{year}〕{seq}号"


def _insert(session: Session):
    return (postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert)(SupervisionOrder)


def issue(session: Session, fam: Family, subject: Any, now: datetime, rule: Rule,
          inform_leaders: bool = True) -> SupervisionOrder | None:
    """Issue the order for the subject's current (missed) deadline unless it exists; returns the new order.
    The lead squad (which must answer) and the coordination section are told; the leaders too, unless the
    ladder's escalation has just told them."""
    exists = session.scalar(select(SupervisionOrder.id).where(
        SupervisionOrder.family == fam.name, SupervisionOrder.subject_id == subject.id,
        SupervisionOrder.deadline_at == subject.deadline_at))
    if exists is not None:
        return None
    year = local_day(now).year
    seq = numbering.next_seq(session, "order", year)
    number, title = fam.label_of(subject)
    answer_due = load_calendar(session).add_working_days(now, max(rule.order_answer_workdays, 1)).due_at
    reason = f"{number}「{title[:60]}」已超过办理期限，列为红色督办"
    inserted = session.execute(_insert(session).values(
        number=order_number(year, seq), year=year, seq=seq, family=fam.name, subject_id=subject.id,
        squad_id=fam.squad_of(subject), deadline_at=subject.deadline_at, reason=reason, instruction="",
        issued_at=now, answer_due_at=answer_due, status="issued", answer="",
    ).on_conflict_do_nothing(index_elements=["family", "subject_id", "deadline_at"])
        .returning(SupervisionOrder.id)).scalar()
    if inserted is None:
        return None
    order = session.get(SupervisionOrder, inserted)
    session.add(ClockEvent(family=fam.name, subject_id=subject.id, kind="order_issued", at=now,
                           old_deadline_at=subject.deadline_at, note=order.number))
    audit.record(session, actor=None, now=now, family=fam.name, subject_id=subject.id, action="order_issued",
                 summary=f"红色督办：签发督办单 {order.number}，限 {local_day(answer_due).isoformat()} 前书面答复",
                 details={"order_id": order.id, "number": order.number})
    people = notifications.role_users(session, [Role.COORDINATOR] + ([Role.LEADER] if inform_leaders else []))
    if order.squad_id is not None:
        people += notifications.role_users(session, [Role.SQUAD_LEADER], squad_id=order.squad_id)
    notifications.notify(session, key=f"order:{order.id}", user_ids=people, kind="escalated", level="danger",
                         title=f"督办单 {order.number}：{number} 须书面答复", body=reason, now=now,
                         family=fam.name, subject_id=subject.id)
    return order


def for_subject(session: Session, family: str, subject_id: int) -> list[SupervisionOrder]:
    return list(session.scalars(select(SupervisionOrder).where(
        SupervisionOrder.family == family, SupervisionOrder.subject_id == subject_id).order_by(SupervisionOrder.id)))


def _text(value: str | None, label: str, field: str) -> str:
    return required_text(value, label, field, MAX_TEXT)


def _locked(session: Session, order_id: int) -> SupervisionOrder:
    order = session.get(SupervisionOrder, order_id, with_for_update=True)
    if order is None:
        raise NotFound("督办单不存在")
    return order


def answer(session: Session, *, actor: User, now: datetime, order_id: int, text: str) -> SupervisionOrder:
    """The lead squad answers the order in writing (once)."""
    order = _locked(session, order_id)
    if not actor.has(Role.SQUAD_LEADER, Role.SQUAD_MEMBER) or actor.squad_id != order.squad_id:
        raise PermissionDenied("督办单须由承办中队书面答复")
    if order.status == "answered":
        raise Conflict("该督办单已答复")
    order.answer, order.answered_by_id, order.answered_at = _text(text, "答复内容", "answer"), actor.id, now
    order.status = "answered"
    late = now > order.answer_due_at
    session.add(ClockEvent(family=order.family, subject_id=order.subject_id, kind="order_answered", at=now,
                           actor_id=actor.id, note=order.number + ("（逾期答复）" if late else "")))
    audit.record(session, actor=actor, now=now, family=order.family, subject_id=order.subject_id,
                 action="order_answered", summary=f"书面答复督办单 {order.number}" + ("（逾期）" if late else ""),
                 opinion=order.answer, details={"order_id": order.id, "late": late})
    notifications.notify(session, key=f"order-answered:{order.id}",
                         user_ids=notifications.role_users(session, [Role.LEADER, Role.COORDINATOR]),
                         kind="clock", title=f"督办单 {order.number} 已答复", body=order.answer[:200], now=now,
                         family=order.family, subject_id=order.subject_id)
    session.flush()
    return order


def instruct(session: Session, *, actor: User, now: datetime, order_id: int, text: str) -> SupervisionOrder:
    """A bureau leader writes an instruction on the order (批示)."""
    order = _locked(session, order_id)
    if not actor.has(Role.LEADER):
        raise PermissionDenied("只有局领导可以在督办单上批示")
    order.instruction = _text(text, "批示内容", "instruction")
    audit.record(session, actor=actor, now=now, family=order.family, subject_id=order.subject_id,
                 action="order_instruction", summary=f"局领导在督办单 {order.number} 上批示", opinion=order.instruction,
                 details={"order_id": order.id})
    if order.squad_id is not None:
        notifications.notify(session, key=f"order-instruction:{order.id}:{now.isoformat()}",
                             user_ids=notifications.role_users(session, [Role.SQUAD_LEADER], squad_id=order.squad_id),
                             kind="escalated", level="danger", title=f"局领导批示督办单 {order.number}",
                             body=order.instruction[:200], now=now, family=order.family, subject_id=order.subject_id)
    session.flush()
    return order
