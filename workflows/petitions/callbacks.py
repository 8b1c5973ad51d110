"""Monthly callback plans (每月定期回访): per squad, every repeat closed last month plus a random sample
of the rest. The sample's seed is derived from the month and the squad and recorded with the plan, so
anyone can draw it again and nobody can pick which petitions get called."""

from __future__ import annotations

import hashlib
import math
import random
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.org import Role, Squad, User
from models.petitions import FAMILY_PETITION, SATISFACTION, Callback, CallbackPlan, Petition
from workflows import audit
from workflows.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from workflows.petitions import months, process


def plan_seed(month: str, squad_id: int, purpose: str = "callback") -> int:
    return int(hashlib.sha256(f"{purpose}|{month}|{squad_id}".encode()).hexdigest()[:8], 16) & 0x7FFFFFFF


def draw(population: list[int], percent: int, seed: int) -> list[int]:
    """A reproducible sample: the same population, percentage and seed always give the same ids."""
    ordered = sorted(population)
    k = min(len(ordered), math.ceil(len(ordered) * percent / 100))
    return sorted(random.Random(seed).sample(ordered, k))


def closed_in(session: Session, squad_id: int, month: str) -> list[tuple[int, bool]]:
    """(petition id, is in a repeat chain) of the squad's petitions closed in the month."""
    start, end = months.bounds(month)
    rows = session.execute(select(Petition.id, Petition.chain_id).where(
        Petition.squad_id == squad_id, Petition.status == "closed", Petition.closed_at >= start,
        Petition.closed_at < end)).all()
    chains = {r.chain_id for r in rows}
    big = set(session.scalars(select(Petition.chain_id).where(Petition.chain_id.in_(chains))
                              .group_by(Petition.chain_id).having(func.count() > 1))) if chains else set()
    return [(r.id, r.chain_id in big) for r in rows]


def propose_plan(session: Session, *, actor: User | None, now: datetime, month: str, squad: Squad,
                 sample_percent: int) -> CallbackPlan:
    if actor is not None and not actor.has(Role.COORDINATOR):
        raise PermissionDenied("只有协调科可以生成回访计划")
    if not 0 <= sample_percent <= 100:
        raise InvalidInput("抽样比例应为 0～100", "sample_percent")
    if session.scalar(select(CallbackPlan.id).where(CallbackPlan.month == month, CallbackPlan.squad_id == squad.id)):
        raise Conflict(f"{squad.name} {month} 的回访计划已生成")
    population = closed_in(session, squad.id, months.previous(month))
    seed = plan_seed(month, squad.id)
    repeats = [pid for pid, repeat in population if repeat]
    sample = draw([pid for pid, repeat in population if not repeat], sample_percent, seed)
    plan = CallbackPlan(month=month, squad_id=squad.id, seed=seed, sample_percent=sample_percent,
                        population=len(population), created_by_id=actor.id if actor else None, created_at=now)
    session.add(plan)
    session.flush()
    session.add_all([Callback(plan_id=plan.id, petition_id=pid, reason="repeat", status="pending") for pid in repeats]
                    + [Callback(plan_id=plan.id, petition_id=pid, reason="sample", status="pending")
                       for pid in sample])
    session.flush()
    return plan


def propose_month(session: Session, *, actor: User | None, now: datetime, month: str,
                  sample_percent: int) -> list[CallbackPlan]:
    """Plans for every squad that has none yet for the month (the start-of-month job)."""
    done = set(session.scalars(select(CallbackPlan.squad_id).where(CallbackPlan.month == month)))
    return [propose_plan(session, actor=actor, now=now, month=month, squad=squad, sample_percent=sample_percent)
            for squad in session.scalars(select(Squad).order_by(Squad.id)) if squad.id not in done]


def verify_plan(session: Session, plan: CallbackPlan) -> bool:
    """Draw the plan's sample again from its recorded seed; True when it matches what was recorded."""
    population = [pid for pid, repeat in closed_in(session, plan.squad_id, months.previous(plan.month))
                  if not repeat]
    recorded = sorted(session.scalars(select(Callback.petition_id).where(Callback.plan_id == plan.id,
                                                                          Callback.reason == "sample")))
    return draw(population, plan.sample_percent, plan.seed) == recorded


def _check_answer(reached: bool, satisfaction: str | None, solved: bool | None, notes: str) -> bool:
    """Whether the answer fails (reopen); raises InvalidInput for an incomplete answer."""
    if not reached:
        return False
    if satisfaction not in SATISFACTION:
        raise InvalidInput("请选择满意度", "satisfaction")
    if solved is None:
        raise InvalidInput("请选择问题是否解决", "solved")
    failed = satisfaction == "unsatisfied" or not solved
    if failed and not notes.strip():
        raise InvalidInput("不满意或未解决时请说明情况", "notes")
    return failed


def record_callback(session: Session, *, actor: User, now: datetime, callback_id: int, reached: bool,
                    satisfaction: str | None = None, solved: bool | None = None, notes: str = "",
                    ) -> Callback:
    """Record one call; "not satisfied" or "not solved" reopens the petition for rectification."""
    if not actor.has(Role.COORDINATOR):
        raise PermissionDenied("只有协调科可以记录回访")
    callback = session.get(Callback, callback_id, with_for_update=True)
    if callback is None:
        raise NotFound("回访记录不存在")
    if callback.status == "done":
        raise Conflict("该回访已记录")
    failed = _check_answer(reached, satisfaction, solved, notes)
    callback.attempts += 1
    callback.notes, callback.called_by_id, callback.called_at = notes.strip(), actor.id, now
    petition = callback.petition
    if not reached:
        callback.status = "unreached"
        summary = f"回访（第 {callback.attempts} 次）：未联系上"
    else:
        callback.status, callback.satisfaction, callback.solved = "done", satisfaction, solved
        petition.satisfaction = satisfaction
        summary = f"回访：{SATISFACTION[satisfaction]}，问题{'已' if solved else '未'}解决"
    audit.record(session, actor=actor, now=now, family=FAMILY_PETITION, subject_id=petition.id, action="callback",
                 summary=summary, opinion=notes.strip(),
                 details={"callback_id": callback.id, "reached": reached, "satisfaction": satisfaction,
                          "solved": solved})
    if failed and petition.status == "closed":
        process.reopen(session, actor=actor, now=now, petition=petition, reason=f"回访{summary[3:]}：{notes.strip()}")
    return callback
