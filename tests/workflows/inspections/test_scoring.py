"""Score arithmetic: a deduction per finding up to the cap, pass/fail, a scale; a round's frozen version."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from models.org import Role
from tests.factories import NOW, make_round, make_templates, make_user
from workflows.errors import InvalidInput
from workflows.inspections import scoring, templates

DEDUCT = scoring.ItemRule(1, "deduct", D(25), D(10), D(20))
PASS = scoring.ItemRule(2, "pass_fail", D(10))
SCALE = scoring.ItemRule(3, "scale", D(40), scale_max=4)


@pytest.mark.parametrize(("findings", "score", "each"), [
    (0, D(25), []), (1, D(15), [D(10)]), (2, D(5), [D(10), D(10)]), (3, D(5), [D(10), D(10), D(0)]),
])
def test_deductions_stop_at_the_cap(findings, score, each):
    result = scoring.score_item(DEDUCT, {}, findings)
    assert result.score == score and result.deductions == each


def test_the_cap_splits_a_partial_deduction():
    rule = scoring.ItemRule(1, "deduct", D(10), D(4), D(10))
    assert scoring.deductions(rule, 3) == [D(4), D(4), D(2)]


def test_pass_fail_and_scale():
    assert scoring.score_item(PASS, {"passed": True}, 0).score == D(10)
    failed = scoring.score_item(PASS, {"passed": False}, 1)
    assert failed.score == D(0) and failed.deductions == [D(10)]
    three = scoring.score_item(SCALE, {"rating": 3}, 1)
    assert three.score == D(30) and three.deductions == [D(10)]
    assert scoring.score_item(SCALE, {"rating": 4}, 0).deductions == []


def test_a_sheet_totals_its_items():
    total, items = scoring.score_sheet([DEDUCT, PASS, SCALE], {2: {"passed": True}, 3: {"rating": 2}}, {1: 5})
    assert total == D(5) + D(10) + D(20) and len(items) == 3


def test_template_lines_are_parsed_and_checked():
    spec = templates.parse_line("文书规范 | 扣分 | 10 | 2 | 10 | 文书不规范、签名缺失", 1)
    assert spec.method == "deduct" and spec.cap == D(10) and spec.categories == ("文书不规范", "签名缺失")
    assert templates.parse_line("视频关联 | 等级4 | 40 |  |  | 关联度低", 2).scale_max == 4
    with pytest.raises(InvalidInput, match="封顶分不能超过"):
        templates.parse_line("x | 扣分 | 10 | 2 | 12 | a", 3)
    with pytest.raises(InvalidInput, match="评分方式"):
        templates.parse_line("x | 打分 | 10 | 2 | 10 | a", 4)
    with pytest.raises(InvalidInput, match="6 栏"):
        templates.parse_line("x | 扣分", 5)


def test_a_round_keeps_the_version_it_froze(db, org):
    made = make_templates(db)
    template = made["case_review"]
    rnd = make_round(db, org, template)
    old = rnd.template_version
    specs = templates.specs_of(old)[:2]
    templates.new_version(db, actor=org.officer, now=NOW, template=template, items=specs, note="精简")
    assert template.current_version == 2 and rnd.template_version.id == old.id and len(old.items) == 5
    newer = make_round(db, org, template)
    assert newer.template_version.version == 2 and len(newer.template_version.items) == 2


def test_only_the_owner_section_and_the_administrator_edit_a_template_in_use(db, org):
    from workflows.errors import PermissionDenied
    from workflows.inspections import tasklist

    made = make_templates(db)
    template = made["case_review"]
    specs = templates.specs_of(templates.current(db, template))
    assert templates.may_edit(db, org.officer, template), "a template no task uses: any responsible section"
    legal = make_user(db, Role.SECTION_OFFICER, section=org.legal, name="法制员")
    tasklist.add_task(db, actor=org.admin, now=NOW, spec=tasklist.TaskSpec(
        2026, "law", "每月案卷评查", "monthly", org.legal.id, template.id))
    assert templates.may_edit(db, legal, template) and templates.may_edit(db, org.admin, template)
    assert not templates.may_edit(db, org.officer, template) and not templates.may_edit(db, org.a_member, template)
    with pytest.raises(PermissionDenied, match="其他责任科室"):
        templates.new_version(db, actor=org.officer, now=NOW, template=template, items=specs)
    version = templates.new_version(db, actor=legal, now=NOW, template=template, items=specs[:1], note="法制科修订")
    assert version.version == 2 and [i.categories for i in version.items] == [list(specs[0].categories)]
