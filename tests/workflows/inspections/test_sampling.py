"""Sampling is reproducible and leaves out files reviewed this year unless asked."""

from __future__ import annotations

from datetime import UTC, date, datetime

from tests.factories import make_case_files, make_round, make_templates
from workflows.inspections import periods, sampling, targets


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


def test_the_fourth_quarter_sampled_in_january_belongs_to_its_own_year(db, org):
    """A 2026-Q4 round opened in January 2027 samples 2026's files (December included), leaves out those the
    2026-Q3 round reviewed, and its own targets count as reviewed in 2026, not in 2027."""
    made = make_templates(db)
    summer = make_case_files(db, org.squad_a, 4, decided_on=date(2026, 8, 3), prefix="AUG")
    december = make_case_files(db, org.squad_a, 3, decided_on=date(2026, 12, 28), prefix="DEC")
    january = make_case_files(db, org.squad_a, 2, decided_on=date(2027, 1, 3), prefix="JAN")
    q3 = make_round(db, org, made["case_review"], squads=[org.squad_a],
                    period=periods.containing("quarterly", date(2026, 8, 1)))
    q3.sample_size = 2
    targets.build(db, q3, seed=9, include_reviewed=False)
    db.expire(q3, ["targets"])
    reviewed_in_q3 = set(_files(q3))
    q4 = make_round(db, org, made["case_review"], squads=[org.squad_a], now=datetime(2027, 1, 5, 2, tzinfo=UTC),
                    period=periods.containing("quarterly", date(2026, 12, 31)))
    assert q4.period == "2026-Q4" and q4.opened_at.year == 2027
    pool = sampling.sample_case_files(db, q4, [org.squad_a.id], 100, 9)[org.squad_a.id]
    assert set(pool) == ({f.id for f in summer} - reviewed_in_q3) | {f.id for f in december}
    assert not set(pool) & {f.id for f in january}, "next year's files are not in the fourth quarter"
    assert sampling.sample_case_files(db, q4, [org.squad_a.id], 2, 9) == \
        sampling.sample_case_files(db, q4, [org.squad_a.id], 2, 9), "reproducible"
    q4.sample_size = 2
    targets.build(db, q4, seed=9, include_reviewed=False)
    db.expire(q4, ["targets"])
    assert set(_files(q4)) <= sampling.reviewed_this_year(db, 2026)
    assert not sampling.reviewed_this_year(db, 2027) & set(_files(q4))
