"""The demo bureau: Changning's ten squads, the sections, users of every role and ~200 items in
every state, walked through the real process with back-dated times."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.engine import WorkItem
from models.items import FAMILY_INSTRUCTED, ItemKind, SupervisedItem
from models.org import Role, Section, Squad, User
from webapp import (
    demo_cases,
    demo_deadlines,
    demo_inspections,
    demo_petitions,
    demo_responsibility,
    demo_scores,
    demo_webhooks,
)
from workflows import passwords, steps
from workflows.items import operations
from workflows.tasks import complete

DEMO_PASSWORD = "Duban@2026"  # meets the password policy (3 of 4 character classes)
SQUADS = [
    ("huayang", "华阳路街道"), ("jiangsu", "江苏路街道"), ("xinhua", "新华路街道"), ("zhoujiaqiao", "周家桥街道"),
    ("tianshan", "天山路街道"), ("xianxia", "仙霞新村街道"), ("hongqiao", "虹桥街道"),
    ("chengjiaqiao", "程家桥街道"), ("beixinjing", "北新泾街道"), ("xinjing", "新泾镇"),
]
SECTIONS = [("coordination", "协调科"), ("legal", "法制科"), ("inspection", "督察科")]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["伟", "芳", "敏", "静", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "霞", "平", "刚"]
MATTERS = ["违法搭建", "占道经营", "夜间施工噪音", "餐饮油烟扰民", "乱设摊", "渣土运输遗撒", "共享单车乱停放",
           "建筑垃圾乱堆放", "违规户外广告", "群租整治", "绿化带毁绿", "工地扬尘"]
PLACES = ["延安西路", "长宁路", "愚园路", "定西路", "天山路", "仙霞路", "虹桥路", "北新泾路", "哈密路", "古北路"]


class _People:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[str] = set()

    def name(self) -> str:
        while True:
            name = self.rng.choice(SURNAMES) + "".join(self.rng.sample(GIVEN, self.rng.choice([1, 2])))
            if name not in self.used:
                self.used.add(name)
                return name


def _user(db, username, name, role, now, squad=None, section=None) -> User:
    user = User(username=username, name=name, role=role, password_hash=_HASH[0], active=True, created_at=now,
                password_changed_at=now, must_change_password=False, squad_id=squad.id if squad else None,
                section_id=section.id if section else None)
    db.add(user)
    return user


_HASH = [""]


def load_org(db: Session, now: datetime, rng: random.Random) -> dict:
    _HASH[0] = passwords.make_hash(DEMO_PASSWORD)
    people = _People(rng)
    sections = {code: Section(code=code, name=name) for code, name in SECTIONS}
    db.add_all(sections.values())
    squads = [Squad(code=code, name=f"{street}中队", street=street) for code, street in SQUADS]
    db.add_all(squads)
    db.flush()
    users = {
        "admin": _user(db, "admin", "系统管理员", Role.SYSTEM_ADMIN, now),
        "secadmin": _user(db, "secadmin", "安全管理员", Role.SECURITY_ADMIN, now),
        "auditor": _user(db, "auditor", "安全审计员", Role.SECURITY_AUDITOR, now),
        "leader": _user(db, "leader", people.name(), Role.LEADER, now),
        "leader2": _user(db, "leader2", people.name(), Role.LEADER, now),
        "xtk": _user(db, "xtk", people.name(), Role.COORDINATOR, now, section=sections["coordination"]),
        "xtk2": _user(db, "xtk2", people.name(), Role.COORDINATOR, now, section=sections["coordination"]),
        "fzk": _user(db, "fzk", people.name(), Role.SECTION_OFFICER, now, section=sections["legal"]),
        "dck": _user(db, "dck", people.name(), Role.SECTION_OFFICER, now, section=sections["inspection"]),
    }
    for squad in squads:
        users[f"{squad.code}_leader"] = _user(db, f"{squad.code}_leader", people.name(), Role.SQUAD_LEADER, now, squad)
        for i in (1, 2, 3):
            users[f"{squad.code}_m{i}"] = _user(db, f"{squad.code}_m{i}", people.name(), Role.SQUAD_MEMBER, now, squad)
    db.flush()
    return {"users": users, "squads": squads}


def _values(step: str, rng: random.Random, org: dict, item: SupervisedItem, at: datetime) -> dict:
    squad_members = [
        u for u in org["users"].values() if u.squad_id == item.lead_squad_id and u.has(Role.SQUAD_MEMBER)
    ]
    return {
        "joint_study": demo_responsibility.demo_meeting(at.date()),
        "assign": {"lead_squad_id": rng.choice(org["squads"]).id, "instructions": "请按期调查取证并拟复。"},
        "accept": {"handler_id": rng.choice(squad_members).id if squad_members else None},
        "investigate": {"findings": "经现场核查，情况属实，已拍照取证并制作询问笔录。"},
        "draft_reply": {"reply_text": "经调查，反映问题属实，已责令当事人限期整改，现已整改完毕。"},
        "review": {"decision": "approve", "opinion": "同意。"},
        "leader_signoff": {"decision": "approve", "opinion": "同意上报。"},
        "send_reply": {"replied_on": at.date(), "method": "document", "summary": "已书面回复交办单位。"},
        "follow_up": {"method": "callback", "satisfaction": "satisfied", "solved": True, "notes": "回访满意。"},
        "rectify": {"measures": "再次上门督促整改，现场已恢复原状。"},
    }[step]


def _actor(step_group: str, work: WorkItem, org: dict, item: SupervisedItem) -> User:
    users = org["users"]
    if step_group == "coordination":
        return users["xtk"]
    if step_group == "leader":
        return users["leader"]
    if work.step != "accept" and item.handler is not None:
        return item.handler
    squad = next(s for s in org["squads"] if s.id == item.lead_squad_id)
    return users[f"{squad.code}_leader"]


def _advance(db, item, org, rng, at, profile) -> datetime:
    """Complete open steps until the item reaches the profile's stopping point or the present."""
    for _ in range(40):
        work = steps.open_work(db, FAMILY_INSTRUCTED, item.id)
        if not work or at >= profile["limit"]:
            return at
        w = work[0]
        if w.step == profile["stop_at"]:
            if not (w.due_at and w.due_at < profile["limit"]) or rng.random() < 0.4:
                return at
            profile["stop_at"] = None  # most squads finish a step before it runs late: this one went on
        values = _values(w.step, rng, org, item, at)
        if w.step == "review" and profile["returns"] > 0:
            values = {"decision": "return", "opinion": "证据不充分，请补充现场照片和询问笔录后重新拟复。"}
            profile["returns"] -= 1
        if w.step == "follow_up" and profile["unsatisfied"] > 0:
            values = {"method": "both", "satisfaction": "unsatisfied", "solved": False, "notes": "群众反映问题反弹。"}
            profile["unsatisfied"] -= 1
        complete.complete(db, actor=_actor(w.step_group, w, org, item), now=at, family=FAMILY_INSTRUCTED,
                          subject_id=item.id, task_uuid=w.task_uuid, values=values)
        at += timedelta(hours=rng.randint(2, 30))
    return at


# Who instructs, by kind: the source must match the kind (a media exposure names the outlet, not a leader).
INSTRUCTED_BY = {
    ItemKind.CITY_LEADER: ["市委办公厅（市领导批示）", "市政府办公厅（市领导批示）"],
    ItemKind.MINISTRY_LEADER: ["住房和城乡建设部办公厅（部领导批示）"],
    ItemKind.CITY_COMMISSION_LEADER: ["市建设交通工作党委", "市住房城乡建设管理委"],
    ItemKind.CITY_BUREAU_LEADER: ["市城管执法局局领导", "市城管执法局分管副局长"],
    ItemKind.MEDIA_EXPOSURE: ["上海电视台《新闻透视》", "《新民晚报》", "东方网", "上观新闻"],
    ItemKind.PUBLIC_OPINION: ["区委网信办舆情中心", "市城管执法局舆情监测中心"],
}
COORDINATION_STOPS = ["assign", "review", "leader_signoff", "send_reply", "follow_up"]
SQUAD_STOPS = ["accept", "investigate", "draft_reply", "rectify"]


def load(db: Session, now: datetime, item_count: int = 200, petition_matters: int = 160, seed: int = 20261127) -> str:
    rng = random.Random(seed)
    org = load_org(db, now, rng)
    for n in range(item_count):
        kind = ItemKind(rng.randint(1, 6))
        received = now - timedelta(days=rng.uniform(0.5, 90), hours=rng.randint(0, 8))
        place, matter = rng.choice(PLACES), rng.choice(MATTERS)
        reg = operations.Registration(
            kind=kind, title=f"{place}{matter}问题", received_at=received,
            instruction_text=f"关于{place}一带{matter}的情况，请迅速调查核实，依法处置，并按时回复。",
            source_doc_number=f"沪城管督〔{received.year}〕{n + 1}号",
            instructing_leader=rng.choice(INSTRUCTED_BY[kind]),
            needs_study=rng.random() < 0.15,
        )
        item = operations.register_item(db, actor=org["users"]["xtk"], now=received + timedelta(minutes=30), reg=reg)
        age = (now - received).total_seconds() / 86400
        profile = {"stop_at": demo_deadlines.stop_for(age, rng, limit_days=10, coordination=COORDINATION_STOPS,
                                                      squad=SQUAD_STOPS),
                   "returns": rng.choice([0, 0, 0, 1, 2]),
                   "unsatisfied": rng.choice([0, 0, 0, 1]), "limit": now - timedelta(hours=1)}
        _advance(db, item, org, rng, received + timedelta(hours=2), profile)
    others = [
        demo_cases.load(db, now, org),
        demo_petitions.load_petitions(db, now, org, matters=petition_matters),
        demo_inspections.load(db, now, org),
        demo_responsibility.load(db, now, org),
    ]
    others.append(demo_deadlines.load(db, now, org, rng))  # every family is there: the clock's data for each
    demo_deadlines.mark_old_read(db, now)
    others.append(demo_scores.load(db, now, org))
    others.append(demo_webhooks.load(db, now))
    closed = db.scalar(select(func.count(SupervisedItem.id)).where(SupervisedItem.status == "closed"))
    head = f"演示数据已载入：10 个中队，{len(org['users'])} 个用户，{item_count} 件督办件（已办结 {closed} 件）"
    return "\n".join([head, *others])
