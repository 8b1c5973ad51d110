"""Reviewers and their score sheets. External reviewers (区司法局, 司法所, 法律顾问) get guest accounts that see only
their round and expire with it: at the end of the round's period (the account's `expires_at`, checked at every
login and request) or, earlier, when the round's findings are confirmed. A reviewer scores each of their targets
once, item by item, and records each problem found (category, description, evidence: files and a video link with
its time); the problems are findings awaiting the owner section's confirmation."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from models.inspections import (
    FAMILY_ROUND,
    REVIEWER_ORGS,
    Finding,
    InspectionRound,
    RoundReviewer,
    RoundTarget,
    TemplateItem,
)
from models.org import Role, User
from workflows import audit
from workflows.calendar import end_of_local_day
from workflows.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from workflows.inspections import scoring

REVIEW_STEPS = ("review", "review_squad")


@dataclass(frozen=True)
class Guest:
    user: User
    password: str  # shown once to the one who invited


@dataclass
class Problem:
    item_id: int
    category: str
    description: str
    video_url: str = ""
    video_at: str = ""


@dataclass
class Sheet:
    marks: dict[int, dict] = field(default_factory=dict)  # item id -> {"passed": bool} | {"rating": n}
    problems: list[Problem] = field(default_factory=list)
    comment: str = ""


def add_reviewer(session: Session, rnd: InspectionRound, user: User, organisation: str = "internal") -> RoundReviewer:
    row = session.scalar(select(RoundReviewer).where(RoundReviewer.round_id == rnd.id,
                                                     RoundReviewer.user_id == user.id))
    if row is None:
        row = RoundReviewer(round_id=rnd.id, user_id=user.id, organisation=organisation,
                            guest=user.has(Role.GUEST_REVIEWER))
        session.add(row)
        session.flush()
    return row


def invite_guest(session: Session, *, actor: User, now: datetime, rnd: InspectionRound, name: str,
                 organisation: str) -> Guest:
    """A guest account for one round (its username derived from the round number)."""
    name = name.strip()
    if not name or len(name) > 64:
        raise InvalidInput("请填写外部评查人员姓名（64字以内）", "guests")
    if organisation not in REVIEWER_ORGS or organisation == "internal":
        raise InvalidInput("外部评查人员的单位须为区司法局、司法所或法律顾问", "guests")
    expires = guest_expiry(rnd)
    if expires <= now:
        raise InvalidInput("本轮检查期间已结束，不能再邀请外部评查人员", "guests")
    password = secrets.token_urlsafe(9) + "a1"
    count = session.scalar(select(RoundReviewer.id).where(RoundReviewer.round_id == rnd.id)
                           .order_by(RoundReviewer.id.desc()).limit(1)) or 0
    user = User(username=f"guest-{rnd.id}-{count + 1}-{secrets.token_hex(2)}", name=name,
                password_hash=generate_password_hash(password), role=Role.GUEST_REVIEWER, active=True,
                created_at=now, expires_at=expires)
    session.add(user)
    session.flush()
    add_reviewer(session, rnd, user, organisation)
    audit.record(session, actor=actor, now=now, family=FAMILY_ROUND, subject_id=rnd.id, action="invite_guest",
                 summary=f"邀请外部评查人员 {name}（{REVIEWER_ORGS[organisation]}），账号 {user.username}",
                 details={"user_id": user.id, "organisation": organisation})
    return Guest(user, password)


def guest_expiry(rnd: InspectionRound) -> datetime:
    """A guest account of the round lives until the end of the round's period (its last day, Beijing time)."""
    return end_of_local_day(rnd.period_end)


def expire_guests(session: Session, rnd: InspectionRound, now: datetime) -> int:
    """The round's guest accounts end with its review."""
    ids = list(session.scalars(select(RoundReviewer.user_id).where(RoundReviewer.round_id == rnd.id,
                                                                   RoundReviewer.guest.is_(True))))
    if ids:
        session.execute(update(User).where(User.id.in_(ids)).values(active=False, expires_at=now))
        session.execute(update(RoundReviewer).where(RoundReviewer.round_id == rnd.id, RoundReviewer.guest.is_(True))
                        .values(expires_at=now))
    return len(ids)


def reviewers(session: Session, round_id: int) -> list[RoundReviewer]:
    return list(session.scalars(select(RoundReviewer).where(RoundReviewer.round_id == round_id)
                                .order_by(RoundReviewer.id)))


def rules_of(items: list[TemplateItem]) -> list[scoring.ItemRule]:
    return [scoring.ItemRule(i.id, i.method, i.points, i.deduction, i.cap, i.scale_max) for i in items]


def _check_mark(item: TemplateItem, mark: dict) -> None:
    if item.method == "scale":
        rating = mark.get("rating")
        if not isinstance(rating, int) or not 0 <= rating <= item.scale_max:
            raise InvalidInput(f"第{item.seq}项请评定 0–{item.scale_max} 级", f"item_{item.id}")
    if item.method == "pass_fail" and not isinstance(mark.get("passed"), bool):
        raise InvalidInput(f"第{item.seq}项请选择合格或不合格", f"item_{item.id}")


def _check_problem(items: dict[int, TemplateItem], p: Problem) -> None:
    item = items.get(p.item_id)
    if item is None:
        raise InvalidInput("问题所属检查项不存在", "problems")
    if p.category not in item.categories:
        raise InvalidInput(f"第{item.seq}项的问题类别不正确", "problems")
    if not p.description.strip():
        raise InvalidInput("请填写问题描述", "problems")
    if p.video_url and not p.video_url.startswith(("http://", "https://")):
        raise InvalidInput("视频链接须以 http:// 或 https:// 开头", "problems")


def _check_marks(items: dict[int, TemplateItem], sheet: Sheet) -> None:
    for item in items.values():
        _check_mark(item, sheet.marks.get(item.id, {}))
    for p in sheet.problems:
        _check_problem(items, p)
    for item in items.values():
        failed = item.method == "pass_fail" and sheet.marks[item.id]["passed"] is False
        if failed and not any(p.item_id == item.id for p in sheet.problems):
            raise InvalidInput(f"第{item.seq}项不合格，请记录发现的问题", f"item_{item.id}")


def responsible_of(target: RoundTarget) -> int | None:
    if target.person_id:
        return target.person_id
    return target.case_file.handler_id if target.case_file is not None else None


def target_for_review(session: Session, actor: User, target_id: int) -> RoundTarget:
    target = session.execute(select(RoundTarget).where(RoundTarget.id == target_id).with_for_update()
                             ).scalar_one_or_none()
    if target is None or target.reviewer_id != actor.id:
        raise NotFound("评查对象不存在或不由您评查")
    return target


def submit(session: Session, *, actor: User, now: datetime, target_id: int, sheet: Sheet) -> list[Finding]:
    """Score one target (once); every problem becomes a draft finding with its capped deduction."""
    target = target_for_review(session, actor, target_id)
    rnd = target.round
    if rnd.stage != "reviewing":
        raise PermissionDenied("本轮次当前不在评查阶段")
    if target.reviewed_at is not None:
        raise Conflict("该对象已提交评查结果，不能重复提交")
    items = {i.id: i for i in rnd.template_version.items}
    _check_marks(items, sheet)
    counts: dict[int, int] = {}
    for p in sheet.problems:
        counts[p.item_id] = counts.get(p.item_id, 0) + 1
    total, scored = scoring.score_sheet(rules_of(list(items.values())), sheet.marks, counts)
    target.score, target.marks, target.comment, target.reviewed_at = total, {
        str(k): v for k, v in sheet.marks.items()}, sheet.comment.strip(), now
    taken = {s.item_id: list(s.deductions) for s in scored}
    found = []
    for p in sheet.problems:
        left = taken[p.item_id]
        deduction = left.pop(0) if left else Decimal(0)
        found.append(Finding(round_id=rnd.id, target_id=target.id, item_id=p.item_id, squad_id=target.squad_id,
                             responsible_id=responsible_of(target), category=p.category,
                             description=p.description.strip(), deduction=deduction, video_url=p.video_url.strip(),
                             video_at=p.video_at.strip(), status="draft", found_by_id=actor.id, found_at=now))
    session.add_all(found)
    session.flush()
    audit.record(session, actor=actor, now=now, family=FAMILY_ROUND, subject_id=rnd.id, action="review",
                 summary=f"评查 {target.label}：{total} 分，发现问题 {len(found)} 个",
                 details={"target_id": target.id, "score": str(total), "findings": [f.id for f in found]})
    return found


def rescore(session: Session, target: RoundTarget) -> None:
    """After confirmation: the target's score and each kept finding's deduction over the confirmed ones only."""
    items = list(target.round.template_version.items)
    kept = list(session.scalars(select(Finding).where(Finding.target_id == target.id,
                                                      Finding.status != "dismissed").order_by(Finding.id)))
    counts: dict[int, int] = {}
    for f in kept:
        counts[f.item_id] = counts.get(f.item_id, 0) + 1
    marks = {int(k): v for k, v in (target.marks or {}).items()}
    for item in items:  # a dismissed fail passes
        if item.method == "pass_fail" and not counts.get(item.id):
            marks[item.id] = {"passed": True}
    total, scored = scoring.score_sheet(rules_of(items), marks, counts)
    target.score = total
    taken = {s.item_id: list(s.deductions) for s in scored}
    for f in kept:
        left = taken[f.item_id]
        f.deduction = left.pop(0) if left else Decimal(0)
