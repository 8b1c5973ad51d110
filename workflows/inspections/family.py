"""The descriptors of the two routine-supervision families for the generic toolkit: the inspection round
(检查轮次, process `inspection_round`) and the finding (整改, process `rectification`). The clock, ladder, urge,
suspend, extend, CC, delegate, withdraw, worklists, 督办单 and bulletin work on both through these."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.inspections import FAMILY_FINDING, FAMILY_ROUND, Finding, InspectionRound
from workflows import subjects
from workflows.families import Family, register
from workflows.inspections import finding_steps, round_steps
from workflows.inspections.access import can_view_finding, can_view_round

ROUND_DAYS = {0: 20, 1: 10}  # working days: a bureau round, a squad's own round
ROUND_STEP_DAYS = {"plan": 2, "sample": 2, "assign": 3, "confirm": 3, "plan_squad": 3, "confirm_squad": 3}
RECTIFY_TOTAL_DAYS = 30
RECTIFY_STEP_DAYS = {"rectify": 10, "verify": 5, "verify_squad": 5}
ROUND_STEP_STAGE = {"plan": "planning", "plan_squad": "planning", "sample": "sampling", "assign": "assigning",
                     "review": "reviewing", "review_squad": "reviewing", "confirm": "confirming",
                     "confirm_squad": "confirming"}
OPEN_FINDINGS = ("open",)


def open_findings(session: Session, round_id: int) -> int:
    return session.scalar(select(func.count(Finding.id)).where(Finding.round_id == round_id,
                                                               Finding.status.in_(OPEN_FINDINGS))) or 0


def _round_advanced(session: Session, rnd: InspectionRound, snapshot, now: datetime) -> None:
    if snapshot.completed:
        busy = open_findings(session, rnd.id)
        rnd.stage = "rectifying" if busy else "closed"  # status is "closed": the round's own steps are done
        rnd.current_step_name = "整改中" if busy else "已完成"
        return
    steps = [s.step for s in snapshot.ready]
    rnd.stage = next((ROUND_STEP_STAGE[s] for s in steps if s in ROUND_STEP_STAGE), rnd.stage)


def _finding_advanced(session: Session, finding: Finding, snapshot, now: datetime) -> None:
    if not snapshot.completed:
        return
    rnd = finding.round
    session.flush()
    if rnd.stage == "rectifying" and open_findings(session, rnd.id) == 0:
        rnd.stage, rnd.closed_at, rnd.current_step_name = "closed", now, "已完成"
        subjects.project(session, ROUND, rnd, now)


ROUND = register(Family(
    name=FAMILY_ROUND, label="检查轮次", model=InspectionRound, process_id="inspection_round",
    number_prefix=lambda year: f"检查{year}-", number_width=4,
    title_of=lambda r: r.title, kind_of=lambda r: 1 if r.tier == "squad" else 0,
    kinds={0: "局级检查", 1: "三级督察"},
    squad_of=lambda r: r.squad_id, handler_of=lambda r: r.opened_by_id if r.tier == "squad" else None,
    started_of=lambda r: r.opened_at, registered_by_of=lambda r: r.opened_by_id,
    search_text_of=lambda r: f"{r.period} {r.scope}",
    can_view=can_view_round, approver_group=lambda r: "leader",
    handlers=round_steps.HANDLERS, start_data=lambda r: {"round_id": r.id, "tier": r.tier},
    section_of=lambda r, step: r.owner_section_id, on_advance=_round_advanced,
    final_steps=frozenset({"confirm", "confirm_squad"}),
    item_limits=ROUND_DAYS, step_limits=ROUND_STEP_DAYS,
))

FINDING = register(Family(
    name=FAMILY_FINDING, label="检查整改", model=Finding, process_id="rectification",
    number_prefix=lambda year: f"整改{year}-", number_width=5,
    title_of=lambda f: f"{f.category}：{f.target.label}", kind_of=lambda f: 0, kinds={0: "检查问题整改"},
    squad_of=lambda f: f.squad_id,
    handler_of=lambda f: f.round.opened_by_id if f.round.tier == "squad" else f.responsible_id,
    started_of=lambda f: f.confirmed_at, registered_by_of=lambda f: f.confirmed_by_id,
    search_text_of=lambda f: f"{f.description} {f.round.title}",
    can_view=can_view_finding, approver_group=lambda f: "coordination",
    handlers=finding_steps.HANDLERS, start_data=lambda f: {"finding_id": f.id, "tier": f.round.tier},
    unassigned_steps=frozenset({"rectify"}), section_of=lambda f, step: f.round.owner_section_id,
    on_advance=_finding_advanced,
    item_limits={0: RECTIFY_TOTAL_DAYS}, step_limits=RECTIFY_STEP_DAYS,
))
