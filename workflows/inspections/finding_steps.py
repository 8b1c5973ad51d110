"""What completing each step of the rectification process means for the finding."""

from __future__ import annotations

from collections.abc import Callable

from workflows.errors import InvalidInput
from workflows.steps import StepContext, StepOutcome

VERDICTS = {"pass": "验收通过，销号", "return": "验收不通过，退回重新整改"}


def _rectify(ctx: StepContext) -> StepOutcome:
    finding = ctx.subject
    finding.rectification = ctx.text("measures", "整改情况")
    finding.rectified_at = ctx.now
    return StepOutcome("回复整改情况", finding.rectification)


def _verify(ctx: StepContext) -> StepOutcome:
    verdict = ctx.values.get("verdict")
    if verdict not in VERDICTS:
        raise InvalidInput("请选择验收结论", "verdict")
    opinion = ctx.text("opinion", "退回理由", required=verdict == "return")
    if verdict == "return":
        ctx.subject.returned_count += 1
    return StepOutcome(VERDICTS[verdict], opinion, engine_data={"verdict": verdict}, details={"verdict": verdict})


HANDLERS: dict[str, Callable[[StepContext], StepOutcome]] = {
    "rectify": _rectify,
    "verify": _verify,
    "verify_squad": _verify,
}
