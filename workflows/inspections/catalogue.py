"""The bureau's standard templates, drawn from the 2023 supervision work plan (seed 二(一)–(四)); the demo loads
them, administrators edit them into new versions."""

from __future__ import annotations

from decimal import Decimal as D

from workflows.inspections.templates import ItemSpec

STANDARD: list[dict] = [
    {"code": "case_review", "name": "案卷评查", "area": "law", "target_kind": "case_file", "items": [
        ItemSpec("事实认定清楚，证据确实充分", "deduct", D(30), D(5), D(30), None, ("事实不清", "证据不足")),
        ItemSpec("执法程序合法", "deduct", D(25), D(5), D(25), None, ("程序违法",)),
        ItemSpec("适用法律正确，裁量适当", "deduct", D(25), D(5), D(20), None, ("适用法律错误", "裁量不当")),
        ItemSpec("文书制作规范", "deduct", D(10), D(2), D(10), None, ("文书不规范",)),
        ItemSpec("重大执法决定经法制审核", "pass_fail", D(10), None, None, None, ("应法核未法核",)),
    ]},
    {"code": "full_record", "name": "执法全过程记录检查", "area": "systems", "target_kind": "case_file", "items": [
        ItemSpec("调查取证、询问、送达等关键环节有音像记录", "deduct", D(60), D(10), D(60), None,
                 ("关键环节无音像记录",)),
        ItemSpec("执法视频与案件关联", "scale", D(40), None, None, 4, ("视频与案件关联度低",)),
    ]},
    {"code": "publicity", "name": "行政执法公示检查", "area": "systems", "target_kind": "squad", "items": [
        ItemSpec("事前公示（执法主体、权限、依据、程序）", "pass_fail", D(30), None, None, None, ("事前未公示",)),
        ItemSpec("事中公示（亮证执法、出示执法文书）", "pass_fail", D(30), None, None, None, ("事中未公示",)),
        ItemSpec("事后公示（处罚决定按时公开）", "deduct", D(40), D(10), D(40), None, ("事后未公示",)),
    ]},
    {"code": "special_action", "name": "专项执法行动考核", "area": "key_work", "target_kind": "squad", "items": [
        ItemSpec("按市局方案部署专项行动，有工作方案和台账", "deduct", D(20), D(5), D(20), None,
                 ("未制定方案", "台账缺失")),
        ItemSpec("街面、小区、工地等重点区域问题及时发现处置", "deduct", D(40), D(4), D(40), None,
                 ("问题发现不及时", "处置不到位")),
        ItemSpec("共享单车、房产市场等专项任务完成率", "scale", D(20), None, None, 5, ("任务完成率低",)),
        ItemSpec("进博会、一江一河等重大活动保障到位", "pass_fail", D(20), None, None, None, ("保障不到位",)),
    ]},
    {"code": "team_management", "name": "队伍建设管理督察", "area": "team", "target_kind": "squad", "items": [
        ItemSpec("着装规范、行为规范", "deduct", D(20), D(2), D(20), None, ("着装", "行为规范")),
        ItemSpec("内务管理、队列训练", "deduct", D(15), D(3), D(15), None, ("内务", "队列")),
        ItemSpec("在编在岗、借调备案", "deduct", D(25), D(5), D(25), None, ("在岗在位", "借调未备案")),
        ItemSpec("执法装备规范佩戴、定期维护", "deduct", D(20), D(2), D(20), None, ("装备未规范佩戴", "装备未维护")),
        ItemSpec("教育培训和应知应会学习落实", "scale", D(20), None, None, 4, ("培训未落实",)),
    ]},
]
