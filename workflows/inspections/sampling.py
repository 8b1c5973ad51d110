"""Reproducible sampling of case files: the same seed over the same register gives the same sample. The pool is the
squad's files decided from 1 January up to the end of the round's period; files already reviewed this year (a target
of another round) are left out unless the round asks to include them."""

from __future__ import annotations

import random
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.inspections import CaseFile, InspectionRound, RoundTarget


def reviewed_this_year(session: Session, year: int, *, but_round: int | None = None) -> set[int]:
    """Case files that were a target of any round whose period starts in the year."""
    query = (select(RoundTarget.case_file_id).join(InspectionRound, InspectionRound.id == RoundTarget.round_id)
             .where(RoundTarget.case_file_id.is_not(None), InspectionRound.period_start >= date(year, 1, 1),
                    InspectionRound.period_start <= date(year, 12, 31)))
    if but_round is not None:
        query = query.where(InspectionRound.id != but_round)
    return set(session.scalars(query))


def candidates(session: Session, squad_id: int, start: date, end: date) -> list[int]:
    """The squad's case files decided in the period, in a stable order (by id)."""
    return list(session.scalars(select(CaseFile.id).where(
        CaseFile.squad_id == squad_id, CaseFile.decided_on >= start, CaseFile.decided_on <= end,
    ).order_by(CaseFile.id)))


def draw(pool: list[int], size: int, seed: int, salt: int) -> list[int]:
    """`size` ids from the pool; the same seed, salt and pool always give the same ids in the same order."""
    if size >= len(pool):
        return list(pool)
    return random.Random(f"{seed}:{salt}").sample(pool, size)


def sample_case_files(session: Session, rnd: InspectionRound, squad_ids: list[int], size: int, seed: int,
                      include_reviewed: bool = False) -> dict[int, list[int]]:
    """Per squad, the sampled case file ids of the round's period."""
    excluded = set() if include_reviewed else reviewed_this_year(session, rnd.period_start.year,
                                                                 but_round=rnd.id)
    found = {}
    for squad_id in sorted(squad_ids):
        start = date(rnd.period_start.year, 1, 1)
        pool = [i for i in candidates(session, squad_id, start, rnd.period_end) if i not in excluded]
        found[squad_id] = draw(pool, size, seed, squad_id)
    return found
