"""Every path of the inspection-round and rectification processes, through the generic toolkit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from models.inspections import Finding
from models.org import Role
from tests.factories import NOW, finish, make_case_files, make_round, make_templates, make_user, open_work
from workflows.errors import InvalidInput
from workflows.inspections import review

H = timedelta(hours=1)


def _step(db, subject, name):
    work = [w for w in open_work(db, subject) if w.step == name]
    assert work, f"{name} not open: {[w.step for w in open_work(db, subject)]}"
    return work[0]


def _do(db, subject, step, actor, values, at):
    return finish(db, actor=actor, now=at, task_uuid=_step(db, subject, step).task_uuid, values=values,
                  subject=subject)


def _review_all(db, rnd, at, problems_per_target=1):
    for target in rnd.targets:
        reviewer = db.get(type(rnd.opened_by or target.reviewer), target.reviewer_id)
        items = rnd.template_version.items
        marks = {i.id: ({"passed": True} if i.method == "pass_fail" else {"rating": i.scale_max}
                        if i.method == "scale" else {}) for i in items}
        first = items[0]
        problems = [review.Problem(first.id, first.categories[0], "询问笔录缺少当事人签名")] * problems_per_target
        review.submit(db, actor=reviewer, now=at, target_id=target.id, sheet=review.Sheet(marks, problems))


@pytest.fixture
def bureau_round(db, org):
    templates = make_templates(db)
    make_case_files(db, org.squad_a, 6, handler=org.a_member)
    make_case_files(db, org.squad_b, 6)
    return make_round(db, org, templates["case_review"])


def _to_confirm(db, org, rnd, reviewers):
    _do(db, rnd, "plan", org.officer, {"scope": "10月案卷", "squad_ids": [org.squad_a.id, org.squad_b.id],
                                       "sample_size": 2}, NOW + H)
    _do(db, rnd, "sample", org.officer, {"seed": 42}, NOW + 2 * H)
    assert len(rnd.targets) == 4
    _do(db, rnd, "assign", org.officer, {"reviewer_ids": [u.id for u in reviewers]}, NOW + 3 * H)
    assert rnd.stage == "reviewing"
    _review_all(db, rnd, NOW + 4 * H)
    _do(db, rnd, "review", org.officer, {"opinion": ""}, NOW + 5 * H)
    assert rnd.stage == "confirming"


def test_bureau_round_pass_path(db, org, bureau_round):
    rnd = bureau_round
    assert rnd.number.startswith("检查2026-") and rnd.stage == "planning"
    _to_confirm(db, org, rnd, [org.officer])
    drafts = list(db.scalars(select(Finding).where(Finding.round_id == rnd.id).order_by(Finding.id)))
    _do(db, rnd, "confirm", org.officer, {"dismissed": [drafts[0].id]}, NOW + 6 * H)
    assert rnd.stage == "rectifying" and drafts[0].status == "dismissed"
    kept = drafts[1:]
    assert all(f.status == "open" and f.number for f in kept)
    for f in kept:
        squad_actor = org.a_leader if f.squad_id == org.squad_a.id else org.b_leader
        _do(db, f, "rectify", squad_actor, {"measures": "已补签名并组织学习"}, NOW + 7 * H)
        assert f.status == "open" and f.current_step_name == "整改验收"
        _do(db, f, "verify", org.officer, {"verdict": "pass", "opinion": ""}, NOW + 8 * H)
        assert f.status == "closed"
    assert rnd.stage == "closed" and rnd.closed_at == NOW + 8 * H


def test_return_path_and_review_gate(db, org, bureau_round):
    rnd = bureau_round
    _do(db, rnd, "plan", org.officer, {"scope": "10月案卷", "squad_ids": [org.squad_a.id], "sample_size": 1},
        NOW + H)
    _do(db, rnd, "sample", org.officer, {"seed": 1}, NOW + 2 * H)
    _do(db, rnd, "assign", org.officer, {"reviewer_ids": [org.officer.id]}, NOW + 3 * H)
    with pytest.raises(InvalidInput, match="未提交评查结果"):
        _do(db, rnd, "review", org.officer, {}, NOW + 4 * H)
    _review_all(db, rnd, NOW + 4 * H)
    _do(db, rnd, "review", org.officer, {}, NOW + 5 * H)
    _do(db, rnd, "confirm", org.officer, {}, NOW + 6 * H)
    finding = db.scalar(select(Finding).where(Finding.round_id == rnd.id))
    _do(db, finding, "rectify", org.a_member, {"measures": "整改"}, NOW + 7 * H)
    with pytest.raises(InvalidInput):
        _do(db, finding, "verify", org.officer, {"verdict": "return", "opinion": ""}, NOW + 8 * H)
    _do(db, finding, "verify", org.officer, {"verdict": "return", "opinion": "未见整改证据"}, NOW + 8 * H)
    assert finding.status == "open" and finding.returned_count == 1
    assert rnd.stage == "rectifying"
    _do(db, finding, "rectify", org.a_member, {"measures": "补充证据"}, NOW + 9 * H)
    _do(db, finding, "verify", org.officer, {"verdict": "pass"}, NOW + 10 * H)
    assert finding.status == "closed" and rnd.stage == "closed"


def test_squad_path(db, org):
    templates = make_templates(db)
    inspector = make_user(db, Role.SQUAD_MEMBER, squad=org.squad_a, name="督察员甲")
    inspector.roles = [Role.SQUAD_MEMBER, Role.SQUAD_INSPECTOR]
    db.flush()
    rnd = make_round(db, org, templates["team_management"], tier="squad", actor=inspector)
    assert rnd.stage == "planning" and _step(db, rnd, "plan_squad").assignee_id == inspector.id
    _do(db, rnd, "plan_squad", inspector, {"scope": "本中队着装内务", "sample_size": 1}, NOW + H)
    assert [t.squad_id for t in rnd.targets] == [org.squad_a.id]
    _review_all(db, rnd, NOW + 2 * H)
    _do(db, rnd, "review_squad", inspector, {}, NOW + 3 * H)
    _do(db, rnd, "confirm_squad", inspector, {}, NOW + 4 * H)
    finding = db.scalar(select(Finding).where(Finding.round_id == rnd.id))
    _do(db, finding, "rectify", org.a_member, {"measures": "已整改"}, NOW + 5 * H)
    verify = _step(db, finding, "verify_squad")
    assert verify.assignee_id == inspector.id and verify.squad_id == org.squad_a.id
    _do(db, finding, "verify_squad", inspector, {"verdict": "return", "opinion": "仍未规范"}, NOW + 6 * H)
    _do(db, finding, "rectify", org.a_member, {"measures": "再次整改"}, NOW + 7 * H)
    _do(db, finding, "verify_squad", inspector, {"verdict": "pass"}, NOW + 8 * H)
    assert finding.status == "closed" and rnd.stage == "closed"
