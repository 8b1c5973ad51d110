"""Sampling is reproducible and leaves out files reviewed this year unless asked."""

from __future__ import annotations

from datetime import date

from tests.factories import make_case_files, make_round, make_templates
from workflows.inspections import sampling, targets


def _files(rnd):
    return [t.case_file_id for t in rnd.targets]


def test_same_seed_same_sample_and_reviewed_files_excluded(db, org):
    made = make_templates(db)
    files_a = make_case_files(db, org.squad_a, 30)
    make_case_files(db, org.squad_b, 30)
    first = make_round(db, org, made["case_review"])
    first.sample_size = 5
    targets.build(db, first, seed=123, include_reviewed=False)
    db.expire(first, ["targets"])
    picked = _files(first)
    again = sampling.sample_case_files(db, first, first.squad_ids, 5, 123)
    assert [i for ids in again.values() for i in ids] == picked, "the same seed gives the same sample"
    other = sampling.sample_case_files(db, first, first.squad_ids, 5, 124)
    assert [i for ids in other.values() for i in ids] != picked

    second = make_round(db, org, made["case_review"])
    second.sample_size = 5
    targets.build(db, second, seed=123, include_reviewed=False)
    db.expire(second, ["targets"])
    assert not set(_files(second)) & set(picked), "files reviewed this year are left out"
    with_reviewed = sampling.sample_case_files(db, second, [org.squad_a.id], 30, 1, include_reviewed=True)
    assert set(with_reviewed[org.squad_a.id]) == {f.id for f in files_a}, "unless asked"


def test_files_of_another_year_or_after_the_period_are_not_in_the_pool(db, org):
    made = make_templates(db)
    make_case_files(db, org.squad_a, 3, decided_on=date(2025, 6, 1), prefix="OLD")
    make_case_files(db, org.squad_a, 3, decided_on=date(2026, 12, 20), prefix="LATE")
    inside = make_case_files(db, org.squad_a, 2, decided_on=date(2026, 3, 1), prefix="IN")
    rnd = make_round(db, org, made["case_review"], squads=[org.squad_a])
    rnd.period_start, rnd.period_end = date(2026, 11, 1), date(2026, 11, 30)
    found = sampling.sample_case_files(db, rnd, [org.squad_a.id], 10, 5)
    assert set(found[org.squad_a.id]) == {f.id for f in inside}
