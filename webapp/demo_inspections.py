"""Demo routine supervision: the standard templates, the year's task list, about 2,000 case files (bulk insert),
squad inspectors, a year of rounds of every template walked through the real processes with back-dated times
(findings confirmed, rectified — some late, some returned), squad-level rounds, a guest reviewer and training."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from models.inspections import FAMILY_FINDING, FAMILY_ROUND, CaseFile, CaseFileImport, Finding, InspectionRound
from models.org import Role, Section, User
from workflows import passwords, steps
from workflows.calendar import LOCAL_TZ, local_day
from workflows.inspections import catalogue, periods, review, rounds, tasklist, templates
from workflows.inspections.ledger import record_training
from workflows.tasks import complete

CASE_FILES = 2000
CASE_TYPES = ["违法搭建", "占道经营", "夜间施工噪音", "餐饮油烟", "乱设摊", "渣土运输", "共享单车", "户外广告",
              "建筑垃圾", "绿化损毁", "工地扬尘", "房产经纪"]
TASKS = [  # template code, area, frequency, owner section, content, sample size, due days
    ("case_review", "law", "monthly", "legal", "每月开展案卷评查（线上抽查与集中调阅）", 1, 10),
    ("full_record", "systems", "quarterly", "legal", "执法全过程记录制度落实情况审查", 1, 15),
    ("publicity", "systems", "half_yearly", "legal", "行政执法公示（事前、事中、事后）落实情况", 0, 15),
    ("special_action", "key_work", "quarterly", "inspection", "专项执法行动和重大活动保障季度考核", 0, 15),
    ("team_management", "team", "quarterly", "inspection", "队伍建设管理：着装、内务、在岗在位、装备、培训", 0, 10),
]
PHRASES = {
    "事实不清": "违法事实认定依据不足，现场勘验记录缺失",
    "证据不足": "缺少当事人身份证明和现场照片",
    "程序违法": "先行登记保存未经负责人批准", "适用法律错误": "处罚依据引用条款错误",
    "裁量不当": "罚款金额未说明裁量理由",
    "文书不规范": "询问笔录无当事人签名", "应法核未法核": "罚款超过法核标准未经重大法制审核",
    "关键环节无音像记录": "送达处罚决定书无执法记录仪视频", "视频与案件关联度低": "视频未关联案件编号",
    "事前未公示": "执法公示栏未更新", "事中未公示": "执法时未出示执法证件", "事后未公示": "处罚决定超过7日未公开",
}


def _phrase(category: str) -> str:
    return PHRASES.get(category, f"检查发现{category}问题，需限期整改")


def _at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=LOCAL_TZ)


def _case_files(db: Session, org: dict, year: int, rng: random.Random) -> None:
    members = {}
    for u in org["users"].values():
        if u.squad_id and u.has(Role.SQUAD_MEMBER):
            members.setdefault(u.squad_id, []).append(u)
    job = CaseFileImport(sha256="demo-initial-export", filename=f"网上办案系统导出-{year}.xlsx",
                         imported_by_id=org["users"]["fzk"].id, imported_at=_at(date(year, 1, 5)),
                         rows_total=CASE_FILES, rows_added=CASE_FILES, errors=[])
    db.add(job)
    db.flush()
    rows = []
    for n in range(CASE_FILES):
        squad = org["squads"][n % len(org["squads"])]
        handler = rng.choice(members[squad.id])
        rows.append({"case_number": f"31010520{year % 100:02d}{n + 1:06d}", "squad_id": squad.id,
                     "handler_name": handler.name, "handler_id": handler.id, "case_type": rng.choice(CASE_TYPES),
                     "legal_review": rng.random() < 0.08,
                     "decided_on": date(year, 1, 1) + timedelta(rng.randint(0, 320)),
                     "penalty_amount": Decimal(rng.choice([200, 500, 1000, 2000, 5000, 10000, 30000])),
                     "status": "已结案", "import_id": job.id})
    db.execute(insert(CaseFile), rows)  # bulk: one executemany


def _name_inspectors(db: Session, org: dict) -> list[User]:
    inspectors = []
    for squad in org["squads"]:
        leader, member = org["users"][f"{squad.code}_leader"], org["users"][f"{squad.code}_m3"]
        leader.roles = [Role.SQUAD_LEADER, Role.INSPECTION_LEAD]
        member.roles = [Role.SQUAD_MEMBER, Role.SQUAD_INSPECTOR]
        inspectors.append(member)
    db.flush()
    return inspectors


def _do(db, subject, family: str, step: str, actor: User, values: dict, at: datetime) -> None:
    work = next(w for w in steps.open_work(db, family, subject.id) if w.step == step)
    complete.complete(db, actor=actor, now=at, family=family, subject_id=subject.id, task_uuid=work.task_uuid,
                      values=values)


def _sheet(rnd: InspectionRound, rng: random.Random) -> review.Sheet:
    marks, problems = {}, []
    for item in rnd.template_version.items:
        if item.method == "pass_fail":
            passed = rng.random() < 0.93
            marks[item.id] = {"passed": passed}
            if not passed:
                problems.append(review.Problem(item.id, item.categories[0], _phrase(item.categories[0])))
        elif item.method == "scale":
            rating = rng.choice([item.scale_max] * 6 + [item.scale_max - 1])
            marks[item.id] = {"rating": rating}
            if rating < item.scale_max:
                problems.append(review.Problem(item.id, item.categories[0], _phrase(item.categories[0])))
        else:
            for _ in range(rng.choice([0] * 9 + [1, 1, 2])):
                category = rng.choice(item.categories)
                problems.append(review.Problem(item.id, category, _phrase(category)))
    return review.Sheet(marks, problems, "")


class _Walker:
    def __init__(self, db: Session, org: dict, rng: random.Random, now: datetime):
        self.db, self.org, self.rng, self.now = db, org, rng, now
        self.officers = {"legal": org["users"]["fzk"], "inspection": org["users"]["dck"]}

    def owner(self, rnd: InspectionRound) -> User:
        return self.officers["legal" if rnd.owner_section.code == "legal" else "inspection"]

    def ok(self, at: datetime) -> bool:
        return at < self.now - timedelta(hours=1)

    def bureau(self, rnd: InspectionRound, stop: str | None = None, guest: User | None = None) -> None:
        db, officer, t = self.db, self.owner(rnd), rnd.opened_at
        plan = {"scope": f"{rnd.period} 各中队", "squad_ids": list(rnd.squad_ids), "sample_size": rnd.sample_size or 1}
        for step, values, gap in (("plan", plan, 1), ("sample", {"seed": rnd.id * 97}, 1)):
            t += timedelta(days=gap)
            if stop == step or not self.ok(t):
                return
            _do(db, rnd, FAMILY_ROUND, step, officer, values, t)
        t += timedelta(days=1)
        if stop == "assign" or not self.ok(t):
            return
        reviewers = [officer.id, self.org["users"]["xtk2"].id]
        _do(db, rnd, FAMILY_ROUND, "assign", officer, {"reviewer_ids": reviewers}, t)
        if guest is not None:  # the guest takes the last target (invited before assignment in real use)
            review.add_reviewer(db, rnd, guest, "justice_bureau")
            rnd.targets[-1].reviewer_id = guest.id
        self.review(rnd, t, stop == "review")
        if stop == "review":
            return
        t += timedelta(days=6)
        if not self.ok(t + timedelta(days=1)):
            return
        _do(db, rnd, FAMILY_ROUND, "review", officer, {"opinion": "评查完毕"}, t)
        self.confirm(rnd, "confirm", officer, t + timedelta(days=1))

    def review(self, rnd: InspectionRound, t: datetime, partial: bool) -> None:
        db = self.db
        for n, target in enumerate(rnd.targets):
            if partial and n % 2:
                continue
            reviewer = db.get(User, target.reviewer_id)
            at = t + timedelta(days=1 + n % 4, hours=n % 5)
            if not self.ok(at):
                continue
            review.submit(db, actor=reviewer, now=at, target_id=target.id, sheet=_sheet(rnd, self.rng))

    def confirm(self, rnd: InspectionRound, step: str, actor: User, at: datetime) -> None:
        if not self.ok(at):
            return
        drafts = self.db.scalars(select(Finding.id).where(Finding.round_id == rnd.id, Finding.status == "draft")).all()
        dismissed = [i for i in drafts if self.rng.random() < 0.1]
        _do(self.db, rnd, FAMILY_ROUND, step, actor, {"dismissed": dismissed, "opinion": "经核实予以确认"}, at)
        for f in self.db.scalars(select(Finding).where(Finding.round_id == rnd.id, Finding.status == "open")):
            self.rectify(rnd, f, actor if rnd.tier == "squad" else self.owner(rnd))

    def rectify(self, rnd: InspectionRound, f: Finding, verifier: User) -> None:
        users, squad = self.org["users"], f.squad
        member = users[f"{squad.code}_m1"]
        recent = f.confirmed_at > self.now - timedelta(days=40)
        if recent and self.rng.random() < 0.5:
            return  # still being rectified (those past their deadline are overdue: the ladder and 督办单 show them)
        late = self.rng.random() < 0.2
        at = (f.deadline_at + timedelta(days=self.rng.randint(1, 6))) if late else \
            f.confirmed_at + timedelta(days=self.rng.randint(2, 9))
        verify = "verify_squad" if rnd.tier == "squad" else "verify"
        if not self.ok(at):
            return
        _do(self.db, f, FAMILY_FINDING, "rectify", member, {"measures": "已对照问题逐项整改，并组织全队学习。"}, at)
        at += timedelta(days=2)
        if not self.ok(at):
            return
        if self.rng.random() < 0.18:
            back = {"verdict": "return", "opinion": "整改证据不足，请补充。"}
            _do(self.db, f, FAMILY_FINDING, verify, verifier, back, at)
            at += timedelta(days=3)
            if not self.ok(at):
                return
            _do(self.db, f, FAMILY_FINDING, "rectify", member, {"measures": "已补充整改前后照片和学习记录。"}, at)
            at += timedelta(days=2)
            if not self.ok(at):
                return
        _do(self.db, f, FAMILY_FINDING, verify, verifier, {"verdict": "pass", "opinion": "整改到位，予以销号。"}, at)

    def squad(self, rnd: InspectionRound, inspector: User) -> None:
        t = rnd.opened_at + timedelta(days=1)
        if not self.ok(t + timedelta(days=4)):
            return
        _do(self.db, rnd, FAMILY_ROUND, "plan_squad", inspector, {"scope": "本中队着装、内务、装备",
                                                                  "sample_size": 1}, t)
        self.review(rnd, t, False)
        _do(self.db, rnd, FAMILY_ROUND, "review_squad", inspector, {}, t + timedelta(days=3))
        self.confirm(rnd, "confirm_squad", inspector, t + timedelta(days=4))


def _guest(db: Session, now: datetime, rnd: InspectionRound) -> User:
    """The demo's external reviewer (区司法局), on the current quarter's round: the account ends with its period."""
    guest = User(username="guest_sfj", name="区司法局 周律", role=Role.GUEST_REVIEWER, created_at=now, active=True,
                 password_hash=passwords.make_hash("Duban@2026"), password_changed_at=now,  # the demo password
                 expires_at=review.guest_expiry(rnd))
    db.add(guest)
    db.flush()
    return guest


def _bureau_rounds(db: Session, walker: _Walker, tasks: list, today: date) -> int:
    """Every task's periods of the year up to today, walked: the current month's rounds are being planned, the
    last month's case review is in review, the current quarter's full-record review has a guest reviewer."""
    opened, year, guest = 0, today.year, None
    for task in tasks:
        current = periods.containing(task.frequency, today)
        for period in periods.of_year(task.frequency, year):
            if period.start > today:
                continue
            rounds.open_period(db, task.id, period, _at(period.start, 8))
            rnd = rounds.round_for(db, task.id, period.key)
            opened += 1
            if period == current and task.frequency == "monthly":
                walker.bureau(rnd, stop="plan")
            elif period.key == f"{year}-11" and task.frequency == "monthly":
                walker.bureau(rnd, stop="review")
            elif period == current and task.frequency == "quarterly" and guest is None:
                guest = _guest(db, walker.now, rnd)
                walker.bureau(rnd, stop="review", guest=guest)
            else:
                walker.bureau(rnd)
    return opened


def _squad_rounds(db: Session, walker: _Walker, inspectors: list[User], template_id: int, today: date) -> int:
    """三级督察: three squads' inspectors check their own squad each March, June and September."""
    opened = 0
    for inspector in inspectors[:3]:
        for month in (3, 6, 9):
            day = date(today.year, month, 10)
            if day > today:
                continue
            spec = rounds.Opening(template_id=template_id, tier="squad", squad_id=inspector.squad_id,
                                  title=f"{today.year}年{month}月{inspector.squad.name}三级督察", sample_size=1)
            walker.squad(rounds.open_round(db, actor=inspector, now=_at(day, 9), spec=spec), inspector)
            opened += 1
    return opened


def load(db: Session, now: datetime, org: dict, seed: int = 11) -> str:
    rng, today = random.Random(seed), local_day(now)
    year = today.year
    made = {t["code"]: templates.create_template(db, actor=None, now=_at(date(year, 1, 3)), **t)
            for t in catalogue.STANDARD}
    sections = {s.code: s for s in db.scalars(select(Section))}
    tasks = [tasklist.add_task(db, actor=org["users"]["admin"], now=_at(date(year, 1, 4)), spec=tasklist.TaskSpec(
        year, area, content, frequency, sections[owner].id, made[code].id, "", due, size))
        for code, area, frequency, owner, content, size, due in TASKS]
    _case_files(db, org, year, rng)
    inspectors = _name_inspectors(db, org)
    walker = _Walker(db, org, rng, now)
    opened = _bureau_rounds(db, walker, tasks, today)
    opened += _squad_rounds(db, walker, inspectors, made["team_management"].id, today)
    _training(db, org, inspectors, year, today)
    findings = db.scalar(select(func.count(Finding.id)).where(Finding.confirmed_at.is_not(None)))
    return (f"执法监督：检查表 {len(made)} 张，任务 {len(tasks)} 项，案卷 {CASE_FILES} 件，检查轮次 {opened} 个，"
            f"确认问题 {findings} 个")


def _training(db: Session, org: dict, inspectors: list[User], year: int, today: date) -> None:
    users = org["users"]
    everyone = [u.id for u in inspectors] + [users["fzk"].id, users["dck"].id]
    for month, title in ((4, "执法监督人员专题培训：案卷评查实务"), (9, "执法监督工作例会暨全过程记录专题培训")):
        if date(year, month, 20) <= today:
            record_training(db, actor=users["dck"], now=_at(date(year, month, 20), 16), title=title,
                            held_on=date(year, month, 20), hours=Decimal("3.0"),
                            content="市局、总队领导授课，政策解读、实务辅导。", attendee_ids=everyone)
    inspector = inspectors[0]
    squad_people = [u.id for u in users.values() if u.squad_id == inspector.squad_id]
    if date(year, 5, 15) <= today:
        record_training(db, actor=inspector, now=_at(date(year, 5, 15), 15), title="应知应会学习（中队）",
                        held_on=date(year, 5, 15), hours=Decimal("2.0"), content="着装规范和执法记录仪使用。",
                        attendee_ids=squad_people)
