"""What completing each step of the referral process means for the referral."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from models.referrals import OUTCOME_LABELS
from workflows.calendar import local_day
from workflows.errors import InvalidInput
from workflows.steps import StepContext, StepOutcome

ACCEPT_DECISIONS = {"accept": "受理", "return": "退回补充材料"}


def _accept(ctx: StepContext) -> StepOutcome:
    decision = ctx.values.get("decision")
    if decision not in ACCEPT_DECISIONS:
        raise InvalidInput("请选择是否受理", "decision")
    opinion = ctx.text("opinion", "退回理由", required=decision == "return")
    return StepOutcome(ACCEPT_DECISIONS[decision], opinion, engine_data={"accept_decision": decision},
                       details={"decision": decision})


def _supplement(ctx: StepContext) -> StepOutcome:
    addition = ctx.text("addition", "补充的事实和材料")
    ctx.subject.facts = f"{ctx.subject.facts}\n\n【补充材料】{addition}"
    return StepOutcome("补充材料", addition)


def _investigate(ctx: StepContext) -> StepOutcome:
    return StepOutcome("完成调查核实", ctx.text("findings", "调查核实情况"))


def _record_outcome(ctx: StepContext) -> StepOutcome:
    outcome = ctx.values.get("outcome")
    if outcome not in OUTCOME_LABELS:
        raise InvalidInput("请选择处理结果", "outcome")
    decided_on = ctx.values.get("outcome_on")
    if not isinstance(decided_on, date):
        raise InvalidInput("请填写处理日期", "outcome_on")
    if decided_on > local_day(ctx.now):
        raise InvalidInput("处理日期不能晚于今天", "outcome_on")
    doc = ctx.text("doc_number", "处理文号", required=outcome != "no_action")
    note = ctx.text("note", "处理情况说明", required=outcome == "other")
    r = ctx.subject
    r.outcome, r.outcome_on, r.outcome_doc_number, r.outcome_note = outcome, decided_on, doc, note
    return StepOutcome(f"处理结果：{r.outcome_label}" + (f"（{doc}）" if doc else ""), note,
                       engine_data={"outcome": outcome}, details={"outcome": outcome, "doc_number": doc,
                                                                 "outcome_on": decided_on.isoformat()})


HANDLERS: dict[str, Callable[[StepContext], StepOutcome]] = {
    "accept": _accept,
    "supplement": _supplement,
    "investigate": _investigate,
    "record_outcome": _record_outcome,
}
