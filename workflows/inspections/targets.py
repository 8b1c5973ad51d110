"""The targets of a round: sampled case files, the squads themselves, sampled people, or named places."""

from __future__ import annotations

import random

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from models.inspections import CaseFile, InspectionRound, RoundTarget
from models.org import Role, Squad, User, UserRole
from workflows.errors import InvalidInput
from workflows.inspections import sampling

MAX_PLACES = 200


def _squad_names(session: Session, ids: list[int]) -> dict[int, str]:
    return dict(session.execute(select(Squad.id, Squad.name).where(Squad.id.in_(ids))).tuples().all())


def _people(session: Session, squad_id: int) -> list[User]:
    return list(session.scalars(select(User).join(UserRole, UserRole.user_id == User.id).where(
        User.squad_id == squad_id, User.active.is_(True), UserRole.role.in_([Role.SQUAD_MEMBER, Role.SQUAD_LEADER]))
        .distinct().order_by(User.id)))


def parse_places(session: Session, rnd: InspectionRound, text: str) -> list[tuple[int, str]]:
    """Lines "中队名：地点" (or just "地点" on a squad's own round)."""
    names = {v: k for k, v in _squad_names(session, rnd.squad_ids).items()}
    found = []
    for n, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        squad, sep, place = line.replace(":", "：").partition("：")
        if not sep and rnd.tier == "squad":
            squad, place = "", squad
        squad_id = rnd.squad_id if rnd.tier == "squad" and not sep else names.get(squad.strip())
        if squad_id is None or not place.strip():
            raise InvalidInput(f"第{n}行格式应为“中队名：地点”，且中队须在受检范围内", "places")
        found.append((squad_id, place.strip()[:200]))
    if not found or len(found) > MAX_PLACES:
        raise InvalidInput(f"请逐行填写检查点位（1–{MAX_PLACES} 个）", "places")
    return found


def build(session: Session, rnd: InspectionRound, *, seed: int, include_reviewed: bool,
          places: list[tuple[int, str]] | None = None) -> list[RoundTarget]:
    """(Re)build the round's targets by its template's kind; the same seed gives the same targets."""
    session.execute(delete(RoundTarget).where(RoundTarget.round_id == rnd.id))
    kind = rnd.template_version.template.target_kind
    names = _squad_names(session, rnd.squad_ids)
    rows: list[RoundTarget] = []
    if kind == "case_file":
        picked = sampling.sample_case_files(session, rnd, rnd.squad_ids, rnd.sample_size or 1, seed,
                                            include_reviewed)
        files = {c.id: c for c in session.scalars(select(CaseFile).where(
            CaseFile.id.in_([i for ids in picked.values() for i in ids])))}
        for squad_id, ids in picked.items():
            rows += [RoundTarget(kind=kind, case_file_id=i, squad_id=squad_id,
                                 label=f"{files[i].case_number}（{files[i].case_type}）") for i in ids]
        if not rows:
            raise InvalidInput("本期受检中队没有可抽取的案卷（本年度已评查的案卷已排除）", "seed")
    elif kind == "person":
        for squad_id in sorted(rnd.squad_ids):
            people = _people(session, squad_id)
            size = min(rnd.sample_size or 1, len(people))
            for u in random.Random(f"{seed}:{squad_id}").sample(people, size):
                rows.append(RoundTarget(kind=kind, squad_id=squad_id, person_id=u.id,
                                        label=f"{u.name}（{names[squad_id]}）"))
    elif kind == "place":
        rows = [RoundTarget(kind=kind, squad_id=s, label=f"{p}（{names[s]}）") for s, p in places or []]
    else:
        rows = [RoundTarget(kind=kind, squad_id=s, label=names[s]) for s in sorted(rnd.squad_ids)]
    for n, row in enumerate(rows, start=1):
        row.round_id, row.seq = rnd.id, n
    session.add_all(rows)
    session.flush()
    rnd.seed, rnd.include_reviewed = seed, include_reviewed
    return rows


def distribute(session: Session, rnd: InspectionRound, reviewer_ids: list[int]) -> None:
    """Targets to reviewers in turn (in target order), so each reviewer gets a fair share."""
    if not reviewer_ids:
        raise InvalidInput("请至少选择或邀请一名评查人员", "reviewer_ids")
    for n, target in enumerate(rnd.targets):
        target.reviewer_id = reviewer_ids[n % len(reviewer_ids)]
