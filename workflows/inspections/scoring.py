"""Score arithmetic of a template (pure functions, no database): what a reviewer's marks on one target are worth.

- deduct: the item is worth `points`; each finding takes `deduction`, together never more than `cap`.
- pass_fail: all the points, or none (a fail is one finding worth the item's points).
- scale: a rating 0..scale_max gives points × rating / scale_max; below the top a finding may be recorded,
  worth what was lost.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


@dataclass(frozen=True)
class ItemRule:
    id: int
    method: str
    points: Decimal
    deduction: Decimal | None = None
    cap: Decimal | None = None
    scale_max: int | None = None


@dataclass(frozen=True)
class ItemScore:
    item_id: int
    score: Decimal
    deductions: list[Decimal]  # one per finding, in order, each after the cap


def _q(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def deductions(rule: ItemRule, findings: int) -> list[Decimal]:
    """Each finding's deduction on a deduct item: the per-finding deduction until the cap is used up."""
    left, found = rule.cap, []
    for _ in range(findings):
        take = min(rule.deduction, left)
        found.append(_q(take))
        left -= take
    return found


def score_item(rule: ItemRule, mark: dict, findings: int) -> ItemScore:
    """One item's score from the reviewer's mark ({"passed": bool} / {"rating": n}) and its number of findings."""
    if rule.method == "deduct":
        taken = deductions(rule, findings)
        return ItemScore(rule.id, _q(rule.points - sum(taken, Decimal(0))), taken)
    if rule.method == "pass_fail":
        passed = bool(mark.get("passed", findings == 0))
        return ItemScore(rule.id, _q(rule.points if passed else Decimal(0)), [] if passed else [_q(rule.points)])
    rating = int(mark.get("rating", rule.scale_max))
    rating = max(0, min(rating, rule.scale_max))
    score = _q(rule.points * rating / rule.scale_max)
    lost = _q(rule.points - score)
    return ItemScore(rule.id, score, [lost] if findings and lost > 0 else [])


def score_sheet(rules: list[ItemRule], marks: dict[int, dict], findings: dict[int, int]) -> tuple[Decimal, list]:
    """The target's total and every item's score."""
    scored = [score_item(r, marks.get(r.id, {}), findings.get(r.id, 0)) for r in rules]
    return _q(sum((s.score for s in scored), Decimal(0))), scored
