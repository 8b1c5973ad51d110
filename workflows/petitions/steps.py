"""What completing each step of the petition process means for the petition."""

from __future__ import annotations

from collections.abc import Callable

from models.org import Role, Squad, User
from workflows import counting
from workflows.errors import InvalidInput
from workflows.meetings.steps import joint_study
from workflows.steps import StepContext, StepOutcome

REPLY_METHODS = {"phone": "电话答复", "document": "书面答复", "visit": "当面答复", "sms": "短信答复"}


def _assign(ctx: StepContext) -> StepOutcome:
    if ctx.values.get("decision") == "study":
        ctx.subject.difficult = True
        return StepOutcome("列为疑难件，提交专案研究", ctx.text("instructions", "研究事由"),
                           engine_data={"assign_decision": "study"}, details={"decision": "study"})
    squad = ctx.session.get(Squad, ctx.values.get("squad_id") or 0)
    if squad is None:
        raise InvalidInput("请选择承办中队", "squad_id")
    ctx.subject.squad_id = squad.id
    return StepOutcome(f"交办至{squad.name}", ctx.text("instructions", "交办意见", required=False),
                       engine_data={"assign_decision": "assign"}, details={"squad_id": squad.id})


def _accept(ctx: StepContext) -> StepOutcome:
    handler = ctx.session.get(User, ctx.values.get("handler_id") or ctx.actor.id)
    if handler is None or handler.squad_id != ctx.subject.squad_id or not handler.active:
        raise InvalidInput("承办人必须是本中队在岗人员", "handler_id")
    if ctx.actor.has(Role.SQUAD_MEMBER) and handler.id != ctx.actor.id:
        raise InvalidInput("队员签收只能由本人承办", "handler_id")
    notified_on = ctx.date("notified_on", "受理告知日期")
    ctx.subject.handler_id = handler.id
    ctx.subject.accept_notified_at = ctx.now
    return StepOutcome(f"签收，承办人：{handler.name}；已告知信访人受理（{notified_on}）",
                       ctx.text("note", "备注", required=False),
                       details={"handler_id": handler.id, "notified_on": str(notified_on)})


def _investigate(ctx: StepContext) -> StepOutcome:
    return StepOutcome("完成调查处置", ctx.text("findings", "调查及整改情况"))


def _reply(ctx: StepContext) -> StepOutcome:
    method = ctx.values.get("method")
    if method not in REPLY_METHODS:
        raise InvalidInput("请选择答复方式", "method")
    replied_on = ctx.date("replied_on", "答复日期")
    ctx.subject.replied_at = ctx.now
    return StepOutcome(f"已{REPLY_METHODS[method]}信访人（{replied_on}）", ctx.text("summary", "答复内容"),
                       details={"method": method, "replied_on": str(replied_on)})


def _review(ctx: StepContext) -> StepOutcome:
    decision = ctx.values.get("decision")
    if decision not in ("approve", "return"):
        raise InvalidInput("请选择审核结果", "decision")
    opinion = ctx.text("opinion", "退回意见", required=decision == "return")
    if decision == "return":
        counting.increment(ctx.session, ctx.subject, "return_count")
    return StepOutcome("审核通过，办结" if decision == "approve" else "审核退回", opinion,
                       engine_data={"review_decision": decision}, details={"decision": decision})


def _rectify(ctx: StepContext) -> StepOutcome:
    return StepOutcome("完成重新整改", ctx.text("measures", "整改措施及结果"))


def _recheck(ctx: StepContext) -> StepOutcome:
    decision = ctx.values.get("decision")
    if decision not in ("approve", "return"):
        raise InvalidInput("请选择复核结果", "decision")
    opinion = ctx.text("opinion", "复核意见", required=decision == "return")
    ok = decision == "approve"
    return StepOutcome("复核通过，整改办结" if ok else "复核未通过，继续整改", opinion,
                       engine_data={"recheck_ok": ok}, details={"decision": decision})


HANDLERS: dict[str, Callable[[StepContext], StepOutcome]] = {
    "assign": _assign,
    "joint_study": joint_study,
    "accept": _accept,
    "investigate": _investigate,
    "reply": _reply,
    "review": _review,
    "rectify": _rectify,
    "recheck": _recheck,
}
