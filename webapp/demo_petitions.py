"""Demo petitions: a few hundred petitions with repeat chains, walked through the real process with
back-dated times (deterministic seed): every step state, joint studies, returns, extensions, monthly
callback plans with calls (some unsatisfied and reopened), spot checks and a misconduct finding. The
current month's plans are generated but not yet called, for the coordinator to run in the browser."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.org import Squad
from models.petitions import FAMILY_PETITION, Callback, CallbackPlan, RepeatCandidate
from webapp import demo_deadlines
from webapp.demo_responsibility import demo_meeting
from workflows import steps
from workflows.deadlines import requests
from workflows.petitions import callbacks, checks, detection, intake, months
from workflows.tasks import complete

CATEGORIES = ["夜间施工噪音", "占道经营", "餐饮油烟扰民", "违法搭建", "乱设摊", "建筑垃圾乱堆放", "渣土运输遗撒",
              "违规户外广告", "共享单车乱停放", "绿化带毁绿"]
ROADS = {"华阳路街道": "长宁路", "江苏路街道": "愚园路", "新华路街道": "新华路", "周家桥街道": "中山西路",
         "天山路街道": "天山路", "仙霞新村街道": "仙霞路", "虹桥街道": "虹桥路", "程家桥街道": "哈密路",
         "北新泾街道": "北新泾路", "新泾镇": "天山西路"}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
CN = "〇一二三四五六七八九"
COORDINATION_STOPS = ["assign", "review"]
SQUAD_STOPS = ["accept", "investigate", "reply"]


def _matter(rng: random.Random, squads) -> dict:
    squad = rng.choice(squads)
    number = rng.randint(10, 999)
    return {"squad": squad, "street": squad.street, "road": ROADS.get(squad.street, "长宁路"), "number": number,
            "category": rng.choice(CATEGORIES), "name": rng.choice(SURNAMES) + rng.choice("伟芳敏静强磊军洋勇艳"),
            "phone": f"13{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}",
            "size": rng.choice([1] * 6 + [2, 3, 4, 5])}


def _address(rng: random.Random, m: dict, i: int) -> str:
    styles = [f"{m['road']}{m['number']}号", f"上海市长宁区{m['road']}{m['number']}号",
              f"{m['road']}{''.join(CN[int(d)] for d in str(m['number']))}号", f"长宁区 {m['road']}{m['number']}号附近"]
    return styles[0] if i == 0 else rng.choice(styles)


def _id_no(phone: str) -> str:
    """About a third of the demo's petitioners give an ID number (derived from the phone: the demo's random draws
    stay as they were). Stored encrypted and shown masked like the phone."""
    if int(phone[-1]) % 3:
        return ""
    year, month, day = 1950 + int(phone[-4:]) % 50, 1 + int(phone[-3]) % 9, 10 + int(phone[-2:]) % 18
    return f"310105{year}{month:02d}{day:02d}{phone[-4:]}"


def _input(rng: random.Random, m: dict, i: int, received: datetime, ref: int) -> intake.PetitionInput:
    again = "再次反映：" if i else ""
    content = (f"{again}{m['road']}{m['number']}号附近{m['category']}问题{'依旧' if i else ''}，"
               f"{rng.choice(['严重影响居民休息', '影响行人通行', '周边居民意见很大', '多次反映未解决'])}，请求处理。")
    phone = m["phone"] if i == 0 or rng.random() < 0.8 else f"13{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}"
    return intake.PetitionInput(
        channel=rng.choice(["hotline"] * 5 + ["letter", "visit", "online", "other"]), address=_address(rng, m, i),
        category=m["category"], content=content, received_at=received, petitioner_name=m["name"],
        petitioner_phone=phone, petitioner_id_no=_id_no(phone), street=m["street"],
        external_ref=f"12345-{received.year}-{ref:06d}" if rng.random() < 0.7 else "")


def _values(step: str, at: datetime, petition, users) -> dict:
    squad_code = next(k[:-7] for k, u in users.items() if k.endswith("_leader") and u.squad_id == petition.squad_id)
    return {
        "assign": {"decision": "assign", "squad_id": petition.squad_id, "instructions": "请按时限调查处置并答复。"},
        "joint_study": demo_meeting(at.date()),
        "accept": {"handler_id": users[f"{squad_code}_m1"].id, "notified_on": at.date()},
        "investigate": {"findings": "经现场核查，情况属实，已责令当事人整改并拍照留证。"},
        "reply": {"method": "phone", "replied_on": at.date(), "summary": "已电话告知信访人处理结果，信访人表示认可。"},
        "review": {"decision": "approve", "opinion": "同意办结。"},
        "rectify": {"measures": "再次上门督促整改，现场已恢复原状。"},
        "recheck": {"decision": "approve", "opinion": "复核整改到位。"},
    }[step]


def _actor(work, petition, users):
    if work.step_group == "coordination":
        return users["xtk"]
    if work.step != "accept" and petition.handler is not None:
        return petition.handler  # the member who accepted does the work
    return next(u for k, u in users.items() if k.endswith("_leader") and u.squad_id == petition.squad_id)


def _advance(db: Session, petition, users, rng, at: datetime, stop, limit: datetime) -> datetime:
    for _ in range(30):
        work = steps.open_work(db, FAMILY_PETITION, petition.id)
        if not work or work[0].step == stop or at >= limit:
            return at
        w = work[0]
        values = _values(w.step, at, petition, users)
        if w.step == "assign" and petition.difficult is False and rng.random() < 0.06:
            values = {"decision": "study", "instructions": "多次反映，涉及多个部门，提交专案研究。"}
        if w.step == "review" and petition.return_count == 0 and rng.random() < 0.15:
            values = {"decision": "return", "opinion": "整改证据不足，请补充现场照片。"}
        complete.complete(db, actor=_actor(w, petition, users), now=at, family=FAMILY_PETITION,
                          subject_id=petition.id, task_uuid=w.task_uuid, values=values)
        at += timedelta(hours=rng.randint(3, 60))
    return at


def _register_all(db, org, rng, now, matters_count: int) -> list:
    users = org["users"]
    matters = [_matter(rng, org["squads"]) for _ in range(matters_count)]
    plan = []
    for m in matters:
        first = now - timedelta(days=rng.uniform(20, 240))
        for i in range(m["size"]):
            received = first + timedelta(days=i * rng.uniform(12, 40))
            if received < now - timedelta(hours=6):
                plan.append((received, m, i))
    plan.sort(key=lambda x: x[0])
    made = []
    for ref, (received, m, i) in enumerate(plan, start=1):
        petition = intake.register(db, actor=users["xtk"], now=received + timedelta(minutes=20),
                                   data=_input(rng, m, i, received, ref))
        top = db.scalar(select(RepeatCandidate).where(RepeatCandidate.petition_id == petition.id)
                        .order_by(RepeatCandidate.score.desc()).limit(1))
        if top is not None and rng.random() < 0.85:
            detection.confirm(db, actor=users["xtk"], now=received + timedelta(minutes=40), candidate_id=top.id)
        made.append((petition, received))
    return made


def _callbacks(db, org, rng, now) -> None:
    users = org["users"]
    current = months.of(now)
    month = months.previous(months.previous(months.previous(current)))
    while True:
        start, _end = months.bounds(month)
        at = start + timedelta(days=2, hours=2)
        callbacks.propose_month(db, actor=None, now=start + timedelta(hours=1), month=month, sample_percent=20)
        if month == current:
            return
        calls = db.scalars(select(Callback).join(CallbackPlan).where(CallbackPlan.month == month)
                           .order_by(Callback.id)).all()
        for call in calls:
            _call(db, call, users, rng, at)
            at += timedelta(minutes=rng.randint(10, 90))
        month = months.following(month)


def _call(db, call, users, rng, at) -> None:
    roll = rng.random()
    if roll < 0.1:
        callbacks.record_callback(db, actor=users["xtk"], now=at, callback_id=call.id, reached=False, notes="无人接听")
        return
    unhappy = roll > 0.88
    callbacks.record_callback(db, actor=users["xtk"], now=at, callback_id=call.id, reached=True,
                              satisfaction="unsatisfied" if unhappy else rng.choice(["satisfied", "satisfied",
                                                                                      "basically"]),
                              solved=not unhappy, notes="信访人反映问题反弹，仍未解决。" if unhappy else "")
    petition = call.petition
    if unhappy and rng.random() < 0.7:
        _advance(db, petition, users, rng, at + timedelta(days=1), None, at + timedelta(days=10))


def _spot_checks(db, org, rng, now, made) -> None:
    users = org["users"]
    closed = [p for p, _ in made if p.first_closed_at is not None and p.first_closed_at < now - timedelta(days=3)]
    for petition in rng.sample(closed, min(12, len(closed))):
        at = petition.first_closed_at + timedelta(days=2)
        problem = rng.random() < 0.25
        check = checks.record_spot_check(db, actor=users["xtk"], now=at, petition=petition, checked_on=at.date(),
                                         result="problem" if problem else "ok",
                                         findings="现场仍有占道堆物，整改不彻底。" if problem else "现场整改到位。")
        if problem:
            checks.record_finding(db, actor=users["xtk"], now=at, petition=petition, source="spot_check",
                                  source_id=check.id, classification=rng.choice(["inaction", "slow"]),
                                  description="中队未按要求落实整改，回复内容与现场情况不符。")


def _extend(db: Session, org: dict, petition, at: datetime) -> None:
    """The handler asks for 15 more working days; the coordination section agrees (信访: 30 at most)."""
    from workflows.calendar import load_calendar, local_day

    handler = petition.handler or next(u for k, u in org["users"].items()
                                       if k.endswith("_leader") and u.squad_id == petition.squad_id)
    new_day = load_calendar(db).shift_working_days(local_day(petition.deadline_at), 15)
    req = requests.request_extension(db, actor=handler, now=at - timedelta(hours=3), family=FAMILY_PETITION,
                                     subject_id=petition.id, new_date=new_day, reason="涉及多部门联合处置，申请延期。")
    requests.decide(db, actor=org["users"]["xtk"], now=at - timedelta(hours=1), request_id=req.id, approve=True,
                    opinion="同意延期，请抓紧办结。")


def load_petitions(db: Session, now: datetime, org: dict, seed: int = 20261128, matters: int = 160) -> str:
    rng = random.Random(seed)
    made = _register_all(db, org, rng, now, matters)
    limit = now - timedelta(hours=1)
    for petition, received in made:
        age = (now - received).days
        stop = demo_deadlines.stop_for(age, rng, limit_days=20, coordination=COORDINATION_STOPS, squad=SQUAD_STOPS)
        _advance(db, petition, org["users"], rng, received + timedelta(hours=2), stop, limit)
    for petition, _received in made:
        if petition.status == "open" and petition.current_step_name == "调查处置" and rng.random() < 0.2:
            _extend(db, org, petition, limit)
    _callbacks(db, org, rng, now)
    _spot_checks(db, org, rng, now, made)
    chained = sum(1 for p, _ in made if p.repeat_of_id)
    return f"{len(made)} 件信访件（重复件 {chained} 件）"


def sample_ledger(db: Session, now: datetime) -> bytes:
    """A demo ledger: repeats of petitions already in the database (phone or address written differently),
    new petitions, and a few bad rows; fixed external references so a re-import takes nothing twice."""
    from io import BytesIO

    from openpyxl import Workbook

    from models.petitions import Petition
    from workflows.calendar import LOCAL_TZ
    from workflows.petitions.ledger import COLUMNS

    rng = random.Random(7)
    book = Workbook()
    book.active.append(list(COLUMNS))
    day = (now - timedelta(days=1)).astimezone(LOCAL_TZ).strftime("%Y-%m-%d")
    earlier = db.scalars(select(Petition).where(Petition.phone_index.is_not(None)).order_by(Petition.id.desc())
                         .limit(12)).all()
    for n, p in enumerate(earlier, start=1):
        phone = f"{p.petitioner_phone[:3]}-{p.petitioner_phone[3:7]}-{p.petitioner_phone[7:]}"
        book.active.append([f"DEMO-LEDGER-{n:04d}", "12345热线", f"{day} 09:{n:02d}", p.petitioner_name, phone, "",
                            f"上海市长宁区{p.address}", p.street, p.category, f"再次反映：{p.content}"])
    for n in range(13, 33):
        m = _matter(rng, db.scalars(select(Squad)).all())
        book.active.append([f"DEMO-LEDGER-{n:04d}", rng.choice(["12345热线", "来信", "网上信访"]), f"{day} 10:{n:02d}",
                            m["name"], m["phone"], "", f"{m['road']}{m['number']}号", m["street"], m["category"],
                            f"{m['road']}{m['number']}号{m['category']}问题，请求处理。"])
    book.active.append(["DEMO-LEDGER-0090", "传真", f"{day} 11:00", "", "", "", "天山路1号", "天山路街道", "噪音", "x"])
    book.active.append(["DEMO-LEDGER-0091", "来信", f"{day} 11:00", "", "", "", "天山路2号", "天山路街道", "噪音", ""])
    book.active.append(["DEMO-LEDGER-0092", "来信", "去年", "", "", "", "天山路3号", "天山路街道", "噪音", "内容"])
    out = BytesIO()
    book.save(out)
    return out.getvalue()
