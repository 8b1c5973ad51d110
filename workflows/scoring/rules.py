"""考核细则: the score rules of one year, as data. Each rule maps one kind of recorded event (`code`, narrowed by
`param`) to points for the squad and/or the person responsible, with a cap per period. An administrator edits
a rule by saving a new version; the old version stays for the ledger lines scored by it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.org import Role, User
from models.scores import ScoreRule
from workflows import audit
from workflows.errors import InvalidInput, NotFound, PermissionDenied


@dataclass(frozen=True)
class Kind:
    label: str
    params: dict[str, str] | None = None  # the values `param` may take ('' = any), when it narrows the event
    weighted: bool = False  # points are per unit of the event's own weight (a finding's template deduction)
    threshold: str = ""  # what the threshold means, when the rule has one


# Every event kind the ledger knows (workflows.scoring.events reads them from the uniform records).
KINDS: dict[str, Kind] = {
    "overdue_open": Kind("超期未办结（每件每个期限）"),
    "overdue_closed": Kind("超期办结（每件）"),
    "step_overdue": Kind("办理环节超期（每个环节）"),
    "level_orange": Kind("橙色督办（每次）"),
    "order_red": Kind("红色督办单（每张）"),
    "order_late": Kind("红色督办单未按时书面答复（每张）"),
    "step_returned": Kind("审核退回（每次）"),
    "callback_unsatisfied": Kind("回访不满意（每次）"),
    "repeat_rectification": Kind("重复整改（第二次起每次）"),
    "referral_upheld": Kind("追责移送查实（按处理结果）", params={
        "talk": "谈话提醒/批评教育", "warning": "书面警告", "transfer": "移送纪检处理", "other": "其他"}),
    "return_rejected": Kind("退单被驳回（每次）"),
    "finding": Kind("督察发现问题（按模板扣分，每扣 1 分）", weighted=True),
    "on_time_rate": Kind("月度按期办结率达标", threshold="按期办结率（%）不低于"),
    "excellent_case": Kind("优秀监督案例（入选）"),
    "commended_person": Kind("文明规范执法先进个人（入选）"),
}
CAP_PERIODS = {"month": "每月", "quarter": "每季度", "year": "每年"}
MAX_POINTS = Decimal(100)

# A plausible 考核细则 for 2026 (the demo ships it; an administrator edits it): code, param, squad, person, cap,
# cap period, threshold.
DEFAULT_2026 = [
    ("overdue_open", "", "-1", "-0.5", "10", "month", None),
    ("overdue_closed", "", "-0.5", "-0.2", "5", "month", None),
    ("step_overdue", "", "0", "-0.2", "3", "month", None),
    ("level_orange", "", "-0.5", "0", "5", "month", None),
    ("order_red", "", "-2", "-1", "10", "month", None),
    ("order_late", "", "-1", "-0.5", "5", "month", None),
    ("step_returned", "", "-0.3", "-0.2", "3", "month", None),
    ("callback_unsatisfied", "", "-1", "-0.5", "5", "month", None),
    ("repeat_rectification", "", "-1", "-0.5", "5", "month", None),
    ("referral_upheld", "talk", "-1", "-2", None, "month", None),
    ("referral_upheld", "warning", "-2", "-4", None, "month", None),
    ("referral_upheld", "transfer", "-3", "-6", None, "month", None),
    ("referral_upheld", "other", "-1", "-1", None, "month", None),
    ("return_rejected", "", "-0.5", "0", "3", "month", None),
    ("finding", "", "-1", "-0.5", "10", "month", None),
    ("on_time_rate", "", "2", "0", None, "month", "95"),
    ("excellent_case", "", "3", "2", "6", "year", None),
    ("commended_person", "", "1", "3", "3", "year", None),
]


def label_of(code: str, param: str = "") -> str:
    kind = KINDS.get(code)
    if kind is None:
        return code
    return kind.label + (f"：{kind.params[param]}" if param and kind.params and param in kind.params else "")


def current(session: Session, year: int | None = None) -> list[ScoreRule]:
    """The rules in force (latest versions), of one year or of every year."""
    query = select(ScoreRule).where(ScoreRule.superseded_at.is_(None))
    if year is not None:
        query = query.where(ScoreRule.year == year)
    return list(session.scalars(query.order_by(ScoreRule.year, ScoreRule.id)))


def years(session: Session) -> list[int]:
    return sorted(set(session.scalars(select(ScoreRule.year).distinct())))


def seed_year(session: Session, *, year: int, now: datetime, actor: User | None = None) -> int:
    """Install the default rule set for a year that has none; returns the number of rules added."""
    if session.scalar(select(ScoreRule.id).where(ScoreRule.year == year).limit(1)) is not None:
        return 0
    for code, param, squad, person, cap, cap_period, threshold in DEFAULT_2026:
        session.add(ScoreRule(year=year, code=code, param=param, version=1, label=label_of(code, param),
                              squad_points=Decimal(squad), person_points=Decimal(person),
                              cap=Decimal(cap) if cap else None, cap_period=cap_period,
                              threshold=Decimal(threshold) if threshold else None, active=True,
                              updated_by_id=actor.id if actor else None, updated_at=now))
    session.flush()
    return len(DEFAULT_2026)


@dataclass
class RuleInput:
    squad_points: str
    person_points: str
    cap: str = ""
    cap_period: str = "month"
    threshold: str = ""
    active: bool = True


def _number(text: str | None, label: str, field: str, *, optional: bool = False) -> Decimal | None:
    raw = (text or "").strip()
    if not raw and optional:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise InvalidInput(f"{label}应为数字", field) from None
    if not value.is_finite() or abs(value) > MAX_POINTS or value != value.quantize(Decimal("0.01")):
        raise InvalidInput(f"{label}应在 -100 至 100 之间，最多两位小数", field)
    return value


def _check(rule: ScoreRule, data: RuleInput) -> dict:
    values = {"squad_points": _number(data.squad_points, "中队分值", "squad_points"),
              "person_points": _number(data.person_points, "个人分值", "person_points"),
              "cap": _number(data.cap, "封顶分值", "cap", optional=True),
              "threshold": _number(data.threshold, "门槛", "threshold", optional=True)}
    if values["cap"] is not None and values["cap"] <= 0:
        raise InvalidInput("封顶分值应大于 0（不封顶请留空）", "cap")
    if data.cap_period not in CAP_PERIODS:
        raise InvalidInput("请选择封顶周期", "cap_period")
    if KINDS[rule.code].threshold and values["threshold"] is None:
        raise InvalidInput(f"请填写{KINDS[rule.code].threshold}", "threshold")
    return {**values, "cap_period": data.cap_period, "active": bool(data.active)}


def edit(session: Session, *, actor: User, now: datetime, rule_id: int, data: RuleInput) -> ScoreRule:
    """Save a new version of a rule (the system administrator); the ledger follows at the next rebuild, except
    in locked periods."""
    if not actor.has(Role.SYSTEM_ADMIN):
        raise PermissionDenied("只有系统管理员可以修改考核细则")
    old = session.get(ScoreRule, rule_id, with_for_update=True)
    if old is None or old.superseded_at is not None:
        raise NotFound("考核细则不存在或已有新版本")
    values = _check(old, data)
    new = ScoreRule(year=old.year, code=old.code, param=old.param, version=old.version + 1, label=old.label,
                    updated_by_id=actor.id, updated_at=now, **values)
    old.superseded_at = now
    session.add(new)
    session.flush()
    audit.record(session, actor=actor, now=now, family="score_rule", subject_id=new.id, action="score_rule",
                 summary=f"修改{old.year}年考核细则“{old.label}”（第 {new.version} 版）",
                 details={"previous": old.id, **{k: str(v) for k, v in values.items()}})
    return new
