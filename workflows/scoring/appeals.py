"""申诉: a squad leader disputes one of the squad's ledger lines with a reason and evidence; 督察科 or 协调科
decides — the line stays, or it is voided. The same shape as a clock request (request → pending → decided
by the approver group, with an opinion, notified and audited); a voided line stays voided through rebuilds,
because the appeal names the line's key. A locked period's lines can no longer be disputed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.org import Role, User
from models.scores import ScoreAppeal, ScoreEntry
from workflows import audit, notifications
from workflows.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from workflows.scoring import access
from workflows.scoring.ledger import locked_months

MAX_TEXT = 1000
VERDICTS = {"stays": "维持", "voided": "撤销该项记分"}


def _text(value: str | None, label: str, field: str, *, required: bool = True) -> str:
    text = (value or "").strip()
    if required and not text:
        raise InvalidInput(f"请填写{label}", field)
    if len(text) > MAX_TEXT:
        raise InvalidInput(f"{label}不能超过 {MAX_TEXT} 字", field)
    return text


def _entry(session: Session, actor: User, entry_id: int) -> ScoreEntry:
    entry = session.get(ScoreEntry, entry_id)
    if entry is None or not access.can_see_entry(actor, entry):
        raise NotFound("记分记录不存在")
    return entry


def _open_month(session: Session, entry: ScoreEntry) -> None:
    if entry.month in locked_months(session):
        raise Conflict("该考核期已锁定，不能再申诉或改变记分")


def file(session: Session, *, actor: User, now: datetime, entry_id: int, reason: str, evidence: str = "",
         attachments: list[dict] | None = None) -> ScoreAppeal:
    entry = _entry(session, actor, entry_id)
    if not (actor.has(Role.SQUAD_LEADER) and entry.squad_id == actor.squad_id):
        raise PermissionDenied("只有本中队中队长可以对中队记分提出申诉")
    if entry.status != "counted":
        raise Conflict("该记分已撤销")
    _open_month(session, entry)
    if session.scalar(select(func.count()).select_from(ScoreAppeal).where(
            ScoreAppeal.entry_key == entry.key, ScoreAppeal.status == "pending")):
        raise Conflict("该记分已有待处理的申诉")
    reason = _text(reason, "申诉理由", "reason")
    items = [{"kind": "text", "text": _text(evidence, "证据说明", "evidence", required=False)}] if evidence else []
    appeal = ScoreAppeal(entry_key=entry.key, squad_id=entry.squad_id, reason=reason,
                         evidence=items + list(attachments or []), status="pending", requested_by_id=actor.id,
                         requested_at=now)
    session.add(appeal)
    session.flush()
    audit.record(session, actor=actor, now=now, family="score_appeal", subject_id=appeal.id, action="appeal_filed",
                 summary=f"对记分“{entry.note or entry.code}”提出申诉", opinion=reason,
                 details={"entry_key": entry.key, "entry_id": entry.id})
    deciders = notifications.role_users(session, [Role.COORDINATOR])
    notifications.notify(session, key=f"appeal:{appeal.id}", user_ids=deciders, kind="appeal",
                         title=f"考核申诉待处理：{entry.note or entry.code}", body=reason, now=now)
    return appeal


def decide(session: Session, *, actor: User, now: datetime, appeal_id: int, verdict: str,
           opinion: str) -> ScoreAppeal:
    if not access.may_decide_appeals(actor):
        raise NotFound("申诉不存在")
    appeal = session.get(ScoreAppeal, appeal_id, with_for_update=True)
    if appeal is None:
        raise NotFound("申诉不存在")
    if appeal.status != "pending":
        raise Conflict("该申诉已处理，不能重复处理")
    if verdict not in VERDICTS:
        raise InvalidInput("请选择处理结果", "verdict")
    opinion = _text(opinion, "处理意见", "opinion")
    entry = session.scalar(select(ScoreEntry).where(ScoreEntry.key == appeal.entry_key))
    if entry is not None:
        _open_month(session, entry)
        if verdict == "voided":
            entry.status = "voided"
    appeal.status, appeal.decided_by_id, appeal.decided_at, appeal.opinion = verdict, actor.id, now, opinion
    audit.record(session, actor=actor, now=now, family="score_appeal", subject_id=appeal.id,
                 action=f"appeal_{verdict}", summary=f"申诉处理：{VERDICTS[verdict]}", opinion=opinion,
                 details={"entry_key": appeal.entry_key})
    notifications.notify(session, key=f"appeal-decided:{appeal.id}",
                         user_ids=notifications.role_users(session, [Role.SQUAD_LEADER], squad_id=appeal.squad_id),
                         kind="appeal", title=f"考核申诉结果：{VERDICTS[verdict]}", body=opinion, now=now,
                         level="info" if verdict == "voided" else "warning")
    session.flush()
    return appeal


def for_squad(session: Session, actor: User, squad_id: int | None = None) -> list[ScoreAppeal]:
    """Appeals the actor may see: their squad's, or every squad's for the deciders and leaders."""
    query = select(ScoreAppeal).order_by(ScoreAppeal.id.desc())
    if not access.sees_all(actor):
        if not actor.has(Role.SQUAD_LEADER, Role.SQUAD_MEMBER) or actor.squad_id is None:
            return []
        query = query.where(ScoreAppeal.squad_id == actor.squad_id)
    elif squad_id is not None:
        query = query.where(ScoreAppeal.squad_id == squad_id)
    return list(session.scalars(query.limit(500)))
