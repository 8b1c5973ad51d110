"""Steps of a study meeting's action (落实 → 确认落实), and the 专案研究 step of any family as a meeting record."""

from __future__ import annotations

from workflows.errors import InvalidInput
from workflows.meetings import operations
from workflows.steps import StepContext, StepOutcome


def _implement(ctx: StepContext) -> StepOutcome:
    ctx.subject.result = ctx.text("result", "落实情况")
    if ctx.subject.handler_id is None:
        ctx.subject.handler_id = ctx.actor.id
    return StepOutcome("报告落实情况", ctx.subject.result)


def _confirm(ctx: StepContext) -> StepOutcome:
    decision = ctx.values.get("decision")
    if decision not in ("approve", "return"):
        raise InvalidInput("请选择确认结果", "decision")
    opinion = ctx.text("opinion", "退回意见", required=decision == "return")
    return StepOutcome("确认已落实" if decision == "approve" else "退回继续落实", opinion,
                       engine_data={"confirm_decision": decision}, details={"decision": decision})


HANDLERS = {"implement": _implement, "confirm": _confirm}


def joint_study(ctx: StepContext) -> StepOutcome:
    """专案研究 of any family: the step records the meeting (its decisions may become actions)."""
    meeting = operations.record(ctx.session, actor=ctx.actor, now=ctx.now, family=ctx.work.family,
                                subject_id=ctx.subject.id, spec=operations.read_meeting(ctx.values), audit_it=False)
    actions = sum(1 for d in meeting.decisions if d.action is not None)
    summary = f"完成专案研究（{meeting.held_on:%Y-%m-%d}，{meeting.place}），决定 {len(meeting.decisions)} 项"
    return StepOutcome(summary + (f"，落实事项 {actions} 项" if actions else ""), meeting.matters,
                       details={"meeting_id": meeting.id})
