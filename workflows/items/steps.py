"""What completing each step of the instructed-item process means for the item.

Each handler checks the step's values, changes the item and says what goes into the engine and the
timeline. The web forms validate shape; these functions hold the domain rules.
"""

from __future__ import annotations

from collections.abc import Callable

from models.org import Role, Squad, User
from workflows import counting
from workflows.errors import InvalidInput
from workflows.meetings.steps import joint_study
from workflows.steps import StepContext, StepOutcome

SATISFACTION = {"satisfied": "满意", "basically": "基本满意", "unsatisfied": "不满意"}
REPLY_METHODS = {"document": "书面回复", "system": "系统回复", "phone": "电话回复", "other": "其他"}
FOLLOW_UP_METHODS = {"callback": "电话回访", "spot_check": "现场抽查", "both": "抽查并回访"}


def _assign(ctx: StepContext) -> StepOutcome:
    squad = ctx.session.get(Squad, ctx.values.get("lead_squad_id") or 0)
    if squad is None:
        raise InvalidInput("请选择承办中队", "lead_squad_id")
    ctx.subject.lead_squad_id = squad.id
    return StepOutcome(f"交办至{squad.name}", ctx.text("instructions", "交办意见", required=False),
                       details={"lead_squad_id": squad.id})


def _accept(ctx: StepContext) -> StepOutcome:
    handler_id = ctx.values.get("handler_id") or ctx.actor.id
    handler = ctx.session.get(User, handler_id)
    if handler is None or handler.squad_id != ctx.subject.lead_squad_id or not handler.active:
        raise InvalidInput("承办人必须是本中队在岗人员", "handler_id")
    if ctx.actor.has(Role.SQUAD_MEMBER) and handler.id != ctx.actor.id:
        raise InvalidInput("队员签收只能由本人承办", "handler_id")
    ctx.subject.handler_id = handler.id
    return StepOutcome(f"签收，承办人：{handler.name}", ctx.text("note", "备注", required=False),
                       details={"handler_id": handler.id})


def _investigate(ctx: StepContext) -> StepOutcome:
    return StepOutcome("完成调查取证", ctx.text("findings", "调查情况"))


def _draft_reply(ctx: StepContext) -> StepOutcome:
    return StepOutcome("提交拟复意见", ctx.text("reply_text", "拟复内容"))


def _decision(ctx: StepContext, key: str, what: str) -> StepOutcome:
    decision = ctx.values.get("decision")
    if decision not in ("approve", "return"):
        raise InvalidInput("请选择审核结果", "decision")
    opinion = ctx.text("opinion", "退回意见", required=decision == "return")
    if decision == "return":
        counting.increment(ctx.session, ctx.subject, "return_count")
    summary = f"{what}通过" if decision == "approve" else f"{what}退回"
    return StepOutcome(summary, opinion, engine_data={key: decision}, details={"decision": decision})


def _review(ctx: StepContext) -> StepOutcome:
    return _decision(ctx, "review_decision", "审核")


def _leader_signoff(ctx: StepContext) -> StepOutcome:
    return _decision(ctx, "signoff_decision", "局领导审批")


def _send_reply(ctx: StepContext) -> StepOutcome:
    method = ctx.values.get("method")
    if method not in REPLY_METHODS:
        raise InvalidInput("请选择回复方式", "method")
    replied_on = ctx.values.get("replied_on")
    if replied_on is None:
        raise InvalidInput("请填写回复日期", "replied_on")
    ctx.subject.replied_at = ctx.now
    return StepOutcome(f"已{REPLY_METHODS[method]}（{replied_on}）", ctx.text("summary", "回复摘要"),
                       details={"method": method, "replied_on": str(replied_on)})


def _follow_up(ctx: StepContext) -> StepOutcome:
    method, satisfaction = ctx.values.get("method"), ctx.values.get("satisfaction")
    if method not in FOLLOW_UP_METHODS:
        raise InvalidInput("请选择跟踪方式", "method")
    if satisfaction not in SATISFACTION:
        raise InvalidInput("请选择满意度", "satisfaction")
    solved = bool(ctx.values.get("solved"))
    ok = solved and satisfaction != "unsatisfied"
    ctx.subject.satisfaction = satisfaction
    summary = f"{FOLLOW_UP_METHODS[method]}：{SATISFACTION[satisfaction]}，问题{'已' if solved else '未'}解决"
    return StepOutcome(summary, ctx.text("notes", "情况说明", required=not ok), engine_data={"follow_up_ok": ok},
                       details={"method": method, "satisfaction": satisfaction, "solved": solved})


def _rectify(ctx: StepContext) -> StepOutcome:
    counting.increment(ctx.session, ctx.subject, "rectify_count")
    return StepOutcome("完成整改", ctx.text("measures", "整改措施"))


def _leader_supervise(ctx: StepContext) -> StepOutcome:
    return StepOutcome("局领导督办", ctx.text("instruction", "督办意见"))


HANDLERS: dict[str, Callable[[StepContext], StepOutcome]] = {
    "joint_study": joint_study,
    "assign": _assign,
    "accept": _accept,
    "investigate": _investigate,
    "draft_reply": _draft_reply,
    "review": _review,
    "leader_signoff": _leader_signoff,
    "send_reply": _send_reply,
    "follow_up": _follow_up,
    "rectify": _rectify,
    "leader_supervise": _leader_supervise,
}
