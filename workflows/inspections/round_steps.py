"""What completing each step of the inspection-round process means for the round."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.inspections import FAMILY_FINDING, Finding, InspectionRound, RoundTarget
from models.org import Squad, User
from workflows import families
from workflows.calendar import load_calendar
from workflows.deadlines import compute
from workflows.deadlines.rules import load_book
from workflows.errors import InvalidInput
from workflows.inspections import review, targets
from workflows.steps import StepContext, StepOutcome
from workflows.tasks import lifecycle

MAX_SAMPLE = 50


def _int(ctx: StepContext, key: str, label: str, low: int, high: int) -> int:
    value = ctx.values.get(key)
    if not isinstance(value, int) or not low <= value <= high:
        raise InvalidInput(f"{label}须为 {low}–{high} 之间的整数", key)
    return value


def _seed(ctx: StepContext) -> int:
    value = ctx.values.get("seed")
    if value in (None, ""):
        return int(ctx.now.timestamp()) % 1_000_000
    if not isinstance(value, int) or not 0 <= value < 10**9:
        raise InvalidInput("随机种子须为 0–999999999 之间的整数", "seed")
    return value


def _plan(ctx: StepContext) -> StepOutcome:
    rnd: InspectionRound = ctx.subject
    chosen = [int(i) for i in ctx.values.get("squad_ids") or []]
    known = set(ctx.session.scalars(select(Squad.id).where(Squad.id.in_(chosen))))
    if not chosen or known != set(chosen):
        raise InvalidInput("请选择受检中队", "squad_ids")
    rnd.squad_ids, rnd.scope = sorted(known), ctx.text("scope", "检查范围")
    rnd.sample_size = _int(ctx, "sample_size", "每个中队抽样数量", 1, MAX_SAMPLE)
    return StepOutcome(f"检查计划：{len(known)} 个中队，每队抽取 {rnd.sample_size} 个", rnd.scope,
                       details={"squad_ids": rnd.squad_ids, "sample_size": rnd.sample_size})


def _places(ctx: StepContext, rnd: InspectionRound):
    if rnd.template_version.template.target_kind != "place":
        return None
    return targets.parse_places(ctx.session, rnd, ctx.values.get("places") or "")


def _sample(ctx: StepContext) -> StepOutcome:
    rnd: InspectionRound = ctx.subject
    seed, include = _seed(ctx), bool(ctx.values.get("include_reviewed"))
    rows = targets.build(ctx.session, rnd, seed=seed, include_reviewed=include, places=_places(ctx, rnd))
    ctx.session.expire(rnd, ["targets"])
    note = "（含本年度已评查案卷）" if include else ""
    return StepOutcome(f"抽取检查对象 {len(rows)} 个，随机种子 {seed}{note}",
                       details={"seed": seed, "include_reviewed": include, "targets": len(rows)})


def _assign(ctx: StepContext) -> StepOutcome:
    rnd: InspectionRound = ctx.subject
    chosen = [int(i) for i in ctx.values.get("reviewer_ids") or []]
    users = {u.id: u for u in ctx.session.scalars(select(User).where(User.id.in_(chosen), User.active.is_(True)))}
    if set(users) != set(chosen):
        raise InvalidInput("评查人员不存在或已停用", "reviewer_ids")
    for uid in chosen:
        review.add_reviewer(ctx.session, rnd, users[uid])
    everyone = [r.user_id for r in review.reviewers(ctx.session, rnd.id) if r.user.active]
    targets.distribute(ctx.session, rnd, everyone)
    return StepOutcome(f"分配评查人员 {len(everyone)} 名", details={"reviewer_ids": everyone})


def unreviewed(session: Session, round_id: int) -> int:
    return session.scalar(select(func.count(RoundTarget.id)).where(RoundTarget.round_id == round_id,
                                                                   RoundTarget.reviewed_at.is_(None))) or 0


def _review(ctx: StepContext) -> StepOutcome:
    left = unreviewed(ctx.session, ctx.subject.id)
    if left:
        raise InvalidInput(f"尚有 {left} 个检查对象未提交评查结果", "opinion")
    found = ctx.session.scalar(select(func.count(Finding.id)).where(Finding.round_id == ctx.subject.id)) or 0
    return StepOutcome(f"评查完毕，发现问题 {found} 个", ctx.text("opinion", "汇总意见", required=False))


def confirm_findings(session: Session, *, actor: User, now: datetime, rnd: InspectionRound,
                     dismissed: set[int]) -> tuple[int, int]:
    """Confirm every draft finding of the round except the dismissed ones; each confirmed one starts its
    rectification (a supervised subject on the same clock). Returns (confirmed, dismissed)."""
    drafts = list(session.scalars(select(Finding).where(Finding.round_id == rnd.id, Finding.status == "draft")
                                  .order_by(Finding.id)))
    unknown = dismissed - {f.id for f in drafts}
    if unknown:
        raise InvalidInput("所选问题不属于本轮次，请刷新后重选", "dismissed")
    for f in drafts:
        if f.id in dismissed:
            f.status = "dismissed"
    for target in {f.target for f in drafts}:
        review.rescore(session, target)
    kept = [f for f in drafts if f.id not in dismissed]
    for f in kept:
        f.status, f.confirmed_at, f.confirmed_by_id, f.clock_rules_at = "open", now, actor.id, now
        f.number = lifecycle.number_for(session, families.get(FAMILY_FINDING), now)
        _start_rectification(session, actor, now, f)
    review.expire_guests(session, rnd, now)
    rnd.confirmed_at = now
    return len(kept), len(drafts) - len(kept)


def _start_rectification(session: Session, actor: User, now: datetime, finding: Finding) -> None:
    fam = families.get(FAMILY_FINDING)
    due = compute.subject_deadline(load_calendar(session), load_book(session, fam.name, now), fam, finding)
    finding.deadline_at, finding.deadline_provisional, finding.base_deadline_at = due.due_at, due.provisional, \
        due.due_at
    lifecycle.start(session, fam, finding, actor=actor, now=now, action="confirm",
                    summary=f"确认问题（{finding.category}，扣 {finding.deduction} 分），交{finding.squad.name}整改",
                    details={"round_id": finding.round_id, "deduction": str(finding.deduction)})


def _confirm(ctx: StepContext) -> StepOutcome:
    dismissed = {int(i) for i in ctx.values.get("dismissed") or []}
    kept, dropped = confirm_findings(ctx.session, actor=ctx.actor, now=ctx.now, rnd=ctx.subject,
                                     dismissed=dismissed)
    return StepOutcome(f"确认问题 {kept} 个，不予确认 {dropped} 个，转入整改",
                       ctx.text("opinion", "确认意见", required=False),
                       details={"confirmed": kept, "dismissed": sorted(dismissed)})


def _plan_squad(ctx: StepContext) -> StepOutcome:
    """三级督察: the inspector plans, picks the targets of their own squad and reviews them personally."""
    rnd: InspectionRound = ctx.subject
    rnd.scope = ctx.text("scope", "督察范围")
    rnd.sample_size = _int(ctx, "sample_size", "抽样数量", 1, MAX_SAMPLE)
    seed = _seed(ctx)
    rows = targets.build(ctx.session, rnd, seed=seed, include_reviewed=bool(ctx.values.get("include_reviewed")),
                         places=_places(ctx, rnd))
    for row in rows:
        row.reviewer_id = ctx.actor.id
    review.add_reviewer(ctx.session, rnd, ctx.actor)
    ctx.session.expire(rnd, ["targets"])
    return StepOutcome(f"督察计划：对象 {len(rows)} 个，随机种子 {seed}", rnd.scope,
                       details={"seed": seed, "targets": len(rows)})


HANDLERS: dict[str, Callable[[StepContext], StepOutcome]] = {
    "plan": _plan,
    "sample": _sample,
    "assign": _assign,
    "review": _review,
    "confirm": _confirm,
    "plan_squad": _plan_squad,
    "review_squad": _review,
    "confirm_squad": _confirm,
}
