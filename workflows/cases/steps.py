"""What completing each step of the major-case process means for the case.

Each handler checks the values, changes the case, its points and letters, and says what goes into the
engine and the timeline. Forms check shape; these functions hold the domain rules.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import func, select

from models.cases import CasePoint, PointCheck, SupervisionForm, SupervisionRecord
from models.deadlines import ClockEvent
from workflows import counting
from workflows.calendar import load_calendar
from workflows.cases import deadlines, letters
from workflows.errors import InvalidInput
from workflows.steps import StepContext, StepOutcome

DECISIONS = {"approve": "通过", "return": "退回整改"}


def _points(ctx: StepContext) -> dict[str, PointCheck]:
    rows = ctx.session.scalars(select(PointCheck).where(PointCheck.case_id == ctx.subject.id))
    return {row.point: row for row in rows}


def _consult(ctx: StepContext) -> StepOutcome:
    point = ctx.values.get("consult_point")
    if point not in set(CasePoint):
        raise InvalidInput("请选择征求意见的要点", "consult_point")
    row = _points(ctx)[point]
    row.legal_question = ctx.text("question", "征求意见的问题")
    row.legal_opinion = ""
    return StepOutcome(f"就“{row.point_label}”征求法制科意见", row.legal_question,
                       engine_data={"consult": True, "has_problems": False}, details={"point": point})


def _missing_records(ctx: StepContext) -> list[SupervisionForm]:
    counts = dict(ctx.session.execute(
        select(SupervisionRecord.form, func.count()).where(SupervisionRecord.case_id == ctx.subject.id)
        .group_by(SupervisionRecord.form)
    ).all())
    return [f for f in ctx.subject.form_list if f != SupervisionForm.LETTER and not counts.get(f.value)]


def _assess(ctx: StepContext, rows: dict[str, PointCheck]) -> list[PointCheck]:
    problems = []
    for point in CasePoint:
        result = ctx.values.get(f"result_{point.value}")
        if result not in ("ok", "problem"):
            raise InvalidInput(f"请选择“{point.label}”的审查结论", f"result_{point.value}")
        note = ctx.text(f"note_{point.value}", f"“{point.label}”存在的问题", required=result == "problem")
        row = rows[point.value]
        row.result, row.note, row.checked_at = result, note, ctx.now
        if result == "problem":
            problems.append(row)
    return problems


def _set_deadline(ctx: StepContext) -> None:
    """Problems found: the coordination section names the rectification period; the case's clock follows it."""
    from workflows.cases.family import FAMILY
    from workflows.deadlines import ladder
    from workflows.deadlines.recompute import apply_deadline

    days = ctx.values.get("rectify_days")
    if not isinstance(days, int) or not 1 <= days <= deadlines.MAX_RECTIFY_DAYS:
        raise InvalidInput(f"整改期限应为 1 至 {deadlines.MAX_RECTIFY_DAYS} 个工作日", "rectify_days")
    due = deadlines.rectify_deadline(load_calendar(ctx.session), ctx.now, days)
    old = ctx.subject.deadline_at
    ctx.subject.base_deadline_at = due.due_at
    apply_deadline(ladder.Context(ctx.session), FAMILY, ctx.subject, due, ctx.now, basis="given")
    ctx.session.add(ClockEvent(family=FAMILY.name, subject_id=ctx.subject.id, kind="deadline_set", at=ctx.now,
                               actor_id=ctx.actor.id, old_deadline_at=old, new_deadline_at=due.due_at,
                               note=f"整改期限 {days} 个工作日"))


def _conclude(ctx: StepContext) -> StepOutcome:
    missing = _missing_records(ctx)
    if missing:
        names = "、".join(f.label for f in missing)
        raise InvalidInput(f"请先登记{names}的督办记录", "mode")
    rows = _points(ctx)
    problems = _assess(ctx, rows)
    if problems:
        _set_deadline(ctx)
    details: dict[str, Any] = {"problems": [p.point for p in problems]}
    if SupervisionForm.LETTER in ctx.subject.form_list:
        letter = letters.issue(ctx.session, actor=ctx.actor, now=ctx.now, case=ctx.subject, points=list(rows.values()))
        details["letter"] = letter.number
    summary = (f"审查发现问题：{'、'.join(p.point_label for p in problems)}" if problems
               else "审查完毕，五个要点均符合")
    if "letter" in details:
        summary += f"；发出督办函{details['letter']}"
    return StepOutcome(summary, ctx.text("opinion", "审查意见", required=False),
                       engine_data={"consult": False, "has_problems": bool(problems)}, details=details)


def _review_points(ctx: StepContext) -> StepOutcome:
    mode = ctx.values.get("mode")
    if mode == "consult":
        return _consult(ctx)
    if mode == "conclude":
        return _conclude(ctx)
    raise InvalidInput("请选择办理方式", "mode")


def _legal_opinion(ctx: StepContext) -> StepOutcome:
    pending = [p for p in _points(ctx).values() if p.legal_question and not p.legal_opinion]
    opinion = ctx.text("opinion", "法制科意见")
    for row in pending:
        row.legal_opinion = opinion
    names = "、".join(p.point_label for p in pending) or "审查要点"
    return StepOutcome(f"法制科就“{names}”出具意见", opinion, details={"points": [p.point for p in pending]})


def _rectify(ctx: StepContext) -> StepOutcome:
    problems = [p for p in _points(ctx).values() if p.result == "problem" and not p.rectified]
    for row in problems:
        row.answer = ctx.text(f"answer_{row.point}", f"对“{row.point_label}”问题的答复及整改情况")
    return StepOutcome("中队答复并完成整改", ctx.text("measures", "整改措施", required=False),
                       details={"points": [p.point for p in problems]})


def _verify(ctx: StepContext) -> StepOutcome:
    decision = ctx.values.get("decision")
    if decision not in DECISIONS:
        raise InvalidInput("请选择核查结论", "decision")
    opinion = ctx.text("opinion", "退回意见", required=decision == "return")
    if decision == "return":
        counting.increment(ctx.session, ctx.subject, "return_count")
    else:
        for row in _points(ctx).values():
            if row.result == "problem":
                row.rectified = True
    return StepOutcome(f"核查{DECISIONS[decision]}", opinion, engine_data={"verify_decision": decision},
                       details={"decision": decision})


HANDLERS: dict[str, Callable[[StepContext], StepOutcome]] = {
    "review_points": _review_points,
    "legal_opinion": _legal_opinion,
    "rectify": _rectify,
    "verify": _verify,
}
