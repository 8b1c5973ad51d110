"""Factory functions for tests: an organisation, users of every role, registered items."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import count

import argon2
from sqlalchemy import select
from sqlalchemy.orm import Session

from models.items import ItemKind, SupervisedItem
from models.org import Role, Section, Squad, User
from workflows.items import operations

NOW = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)  # Monday 10:00 in Shanghai
PASSWORD = "pass1234"
_PASSWORD_HASH = argon2.PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(PASSWORD)  # TestConfig
_seq = count(1)


def make_section(db: Session, code: str, name: str) -> Section:
    section = Section(code=code, name=name)
    db.add(section)
    db.flush()
    return section


def make_squad(db: Session, name: str | None = None) -> Squad:
    n = next(_seq)
    squad = Squad(code=f"sq{n}", name=name or f"测试中队{n}", street=f"测试街道{n}")
    db.add(squad)
    db.flush()
    return squad


def make_user(db: Session, role: Role, *, squad: Squad | None = None, section: Section | None = None,
              name: str | None = None) -> User:
    n = next(_seq)
    user = User(username=f"u{n}", name=name or f"用户{n}", password_hash=_PASSWORD_HASH, role=role,
                squad_id=squad.id if squad else None, section_id=section.id if section else None,
                active=True, created_at=NOW, password_changed_at=datetime.now(UTC), must_change_password=False)
    db.add(user)
    db.flush()
    return user


class Org:
    """A small bureau: the three sections, two squads with a leader and two members each."""

    def __init__(self, db: Session):
        self.coordination = make_section(db, "coordination", "协调科")
        self.legal = make_section(db, "legal", "法制科")
        self.inspection = make_section(db, "inspection", "督察科")
        self.squad_a, self.squad_b = make_squad(db, "华阳路中队"), make_squad(db, "江苏路中队")
        self.coordinator = make_user(db, Role.COORDINATOR, section=self.coordination, name="协调员")
        self.leader = make_user(db, Role.LEADER, name="局领导")
        self.officer = make_user(db, Role.SECTION_OFFICER, section=self.inspection, name="督察员")
        self.admin = make_user(db, Role.SYSTEM_ADMIN, name="管理员")
        self.a_leader = make_user(db, Role.SQUAD_LEADER, squad=self.squad_a, name="A中队长")
        self.a_member = make_user(db, Role.SQUAD_MEMBER, squad=self.squad_a, name="A队员")
        self.a_member2 = make_user(db, Role.SQUAD_MEMBER, squad=self.squad_a, name="A队员二")
        self.b_leader = make_user(db, Role.SQUAD_LEADER, squad=self.squad_b, name="B中队长")
        self.b_member = make_user(db, Role.SQUAD_MEMBER, squad=self.squad_b, name="B队员")


def make_item(db: Session, org: Org, *, kind: ItemKind = ItemKind.MEDIA_EXPOSURE, now: datetime = NOW,
              needs_study: bool = False, received_at: datetime | None = None, deadline_on=None,
              title: str = "某小区违法搭建被媒体曝光") -> SupervisedItem:
    reg = operations.Registration(
        kind=kind, title=title, instruction_text="请迅速调查核实并回复。",
        received_at=received_at or now - timedelta(hours=1), source_doc_number="沪城管〔2026〕1号",
        instructing_leader="张局长", deadline_on=deadline_on, needs_study=needs_study,
    )
    return operations.register_item(db, actor=org.coordinator, now=now, reg=reg)


def make_case(db: Session, org: Org, *, forms=("letter", "onsite"), now: datetime = NOW, squad: Squad | None = None,
              title: str = "某餐饮店违法搭建案"):
    """A major-case supervision opened by the coordinator (imports kept local: other families stay optional)."""
    from workflows.cases import operations as case_ops

    spec = case_ops.Opening(
        title=title, violation="未经批准擅自搭建建筑物", squad_id=(squad or org.squad_a).id, forms=list(forms),
        case_number="3101052026000123", parties="上海某餐饮管理有限公司", stage="investigating",
        social_impact=True, handler_id=org.a_member.id if squad in (None, org.squad_a) else None,
        matters="请依法查处并报告案件办理情况",
    )
    return case_ops.open_case(db, actor=org.coordinator, now=now, spec=spec)


def make_referral(db: Session, org: Org, *, family: str = "instructed_item", subject_id: int | None = None,
                  classification: str = "slow", now: datetime = NOW, target_user: User | None = None,
                  evidence_keys=(), actor: User | None = None):
    """An accountability referral of squad A's member, from an item made here when no subject is given."""
    from workflows.referrals import operations as ref_ops

    if subject_id is None:
        subject_id = make_item(db, org, now=now).id
    spec = ref_ops.ReferralInput(
        family=family, subject_id=subject_id, classification=classification, facts="未按期调查取证，拖延办理。",
        target_user_id=(target_user or org.a_member).id, evidence_keys=list(evidence_keys),
    )
    return ref_ops.refer(db, actor=actor or org.coordinator, now=now, spec=spec)


def petition_input(org: Org, **overrides):
    """A valid petition for squad A's street (petitions family)."""
    from workflows.petitions.intake import PetitionInput

    values = {"channel": "hotline", "address": "长宁区延安西路123号", "category": "夜间施工噪音",
              "content": "延安西路123号工地夜间施工噪音扰民，严重影响居民休息，请求查处。",
              "received_at": NOW - timedelta(days=1), "petitioner_name": "张三丰", "petitioner_phone": "13800135678",
              "petitioner_id_no": "310105199001011234", "street": org.squad_a.street, "external_ref": ""}
    values.update(overrides)
    return PetitionInput(**values)


def make_petition(db: Session, org: Org, *, now: datetime = NOW, **overrides):
    from workflows.petitions import intake

    return intake.register(db, actor=org.coordinator, now=now, data=petition_input(org, **overrides))


def family_of(subject) -> str:
    from workflows import families

    return next(f.name for f in families.all_families() if isinstance(subject, f.model))


def open_work(db: Session, subject) -> list:
    """The subject's open steps (any family)."""
    from workflows import steps

    return steps.open_work(db, family_of(subject), subject.id)


def finish(db: Session, *, actor: User, now: datetime, task_uuid: str, values: dict, subject=None, item=None,
           case=None, petition=None, referral=None):
    """Complete one open step of any family through the generic toolkit (the family's subject by any name)."""
    from workflows.tasks import complete

    target = next(s for s in (subject, item, case, petition, referral) if s is not None)
    return complete.complete(db, actor=actor, now=now, family=family_of(target), subject_id=target.id,
                             task_uuid=task_uuid, values=values)


def make_templates(db: Session) -> dict:
    """The standard inspection templates (案卷评查, 全过程记录, 公示, 专项行动, 队伍管理) by code."""
    from workflows.inspections import catalogue, templates

    return {t["code"]: templates.create_template(db, actor=None, now=NOW, code=t["code"], name=t["name"],
                                                 area=t["area"], target_kind=t["target_kind"], items=t["items"])
            for t in catalogue.STANDARD}


def make_case_files(db: Session, squad: Squad, count: int, *, decided_on=None, handler: User | None = None,
                    prefix: str = "CF") -> list:
    """Case files of the register for a squad, decided in October 2026 unless told."""
    from datetime import date

    from models.inspections import CaseFile

    rows = [CaseFile(case_number=f"{prefix}{squad.id:02d}{n:05d}", squad_id=squad.id,
                     handler_name=handler.name if handler else "张三", handler_id=handler.id if handler else None,
                     case_type="违法搭建", legal_review=n % 5 == 0, decided_on=decided_on or date(2026, 10, 1 + n % 28),
                     penalty_amount=1000 + n, status="已结案") for n in range(count)]
    db.add_all(rows)
    db.flush()
    return rows


def make_round(db: Session, org: Org, template, *, tier: str = "bureau", now: datetime = NOW,
               squads=None, actor: User | None = None, task_id=None, period=None):
    """An inspection round opened by the inspection section (or a squad inspector on squad A's own round)."""
    from workflows.inspections import rounds

    spec = rounds.Opening(template_id=template.id, tier=tier, owner_section_id=org.inspection.id,
                          squad_id=org.squad_a.id if tier == "squad" else None,
                          squad_ids=[s.id for s in (squads or [org.squad_a, org.squad_b])], sample_size=2,
                          task_id=task_id, period=period)
    return rounds.open_round(db, actor=actor or (None if tier == "squad" else org.officer), now=now, spec=spec)
def make_finding(db: Session, org: Org, confirm_day, category: str = "程序违法", made: dict | None = None):
    """A case-review round of squad A walked to 确认问题 on `confirm_day` (Shanghai, 10:00) with one finding."""
    from datetime import time

    from models.inspections import Finding
    from workflows.calendar import LOCAL_TZ
    from workflows.inspections import review

    made = made or _templates_of(db) or make_templates(db)
    make_case_files(db, org.squad_a, 2, decided_on=date(2026, 9, 1), prefix=f"F{confirm_day:%m%d}")
    confirm = datetime.combine(confirm_day, time(10), tzinfo=LOCAL_TZ).astimezone(UTC)
    start = confirm - timedelta(days=3)
    rnd = make_round(db, org, made["case_review"], squads=[org.squad_a], now=start)

    def do(step, values, when):
        work = next(w for w in open_work(db, rnd) if w.step == step)
        finish(db, actor=org.officer, now=when, task_uuid=work.task_uuid, values=values, subject=rnd)

    do("plan", {"scope": "x", "squad_ids": [org.squad_a.id], "sample_size": 1}, start)
    do("sample", {"seed": 3}, start)
    do("assign", {"reviewer_ids": [org.officer.id]}, start)
    item = next(i for i in rnd.template_version.items if category in i.categories)
    marks = {i.id: {"passed": True} for i in rnd.template_version.items if i.method == "pass_fail"}
    review.submit(db, actor=org.officer, now=start, target_id=rnd.targets[0].id,
                  sheet=review.Sheet(marks, [review.Problem(item.id, category, "未告知陈述申辩权")]))
    do("review", {}, start)
    do("confirm", {}, confirm)
    return db.scalar(select(Finding).where(Finding.round_id == rnd.id))


def _templates_of(db: Session) -> dict:
    from models.inspections import InspectionTemplate

    return {t.code: t for t in db.scalars(select(InspectionTemplate))}


def meeting_values(day, decisions=None) -> dict:
    """The values of a 专案研究 step (a meeting record), for any family."""
    return {"held_on": day, "place": "局三楼会议室", "units_present": "协调科、承办中队、法制科",
            "people_present": "王科长、李中队长、赵法制员", "matters": "研究违法事实认定和处置方案",
            "decisions": decisions or [{"text": "由承办中队限期调查取证", "squad_id": None, "due_on": None}]}




def shanghai(month: int, day: int, hour: int = 10, year: int = 2026) -> datetime:
    """A moment given in Shanghai time (scores and periods are cut by Shanghai months)."""
    from workflows.calendar import LOCAL_TZ

    return datetime(year, month, day, hour, tzinfo=LOCAL_TZ).astimezone(UTC)


def make_subject_row(db: Session, *, squad: Squad | None, handler: User | None, deadline_at: datetime | None,
                     closed_at: datetime | None = None, family: str = "instructed_item", level: str = "blue",
                     registered_at: datetime | None = None, kind: int = 0):
    """A bare row of the cross-family subject projection (what reports and scores read), with no family row
    behind it: for fixtures of recorded events."""
    from models.subjects import Subject

    n = next(_seq)
    row = Subject(family=family, subject_id=900000 + n, number=f"测{n}", title=f"测试事项{n}", kind=kind,
                  status="closed" if closed_at else "open", current_step_name="", squad_id=squad.id if squad else None,
                  handler_id=handler.id if handler else None, registered_by_id=None,
                  registered_at=registered_at or (deadline_at or NOW) - timedelta(days=10), closed_at=closed_at,
                  deadline_at=deadline_at, level=level, search_text="", updated_at=NOW)
    db.add(row)
    db.flush()
    return row


def make_overdue(db: Session, row, *, due_at: datetime, step: str = "", assignee: User | None = None):
    """The overdue evidence the ladder records for a whole subject (step '') or one of its steps."""
    from models.deadlines import OverdueRecord

    record = OverdueRecord(key=f"fixture:{next(_seq)}", family=row.family, subject_id=row.subject_id, task_uuid=None,
                           step=step, step_name=step or "办理期限", squad_id=row.squad_id,
                           assignee_id=(assignee.id if assignee else row.handler_id), due_at=due_at, detected_at=due_at)
    db.add(record)
    db.flush()
    return record


def make_order(db: Session, row, *, issued_at: datetime, answer_due_at: datetime, answered_at: datetime | None = None):
    """A 督办单 on a subject row, answered or not."""
    from models.subjects import SupervisionOrder

    n = next(_seq)
    order = SupervisionOrder(number=f"测督单{n}", year=issued_at.year, seq=100000 + n, family=row.family,
                             subject_id=row.subject_id, squad_id=row.squad_id, deadline_at=row.deadline_at or issued_at,
                             reason="测试", issued_at=issued_at, answer_due_at=answer_due_at,
                             status="answered" if answered_at else "issued", answered_at=answered_at)
    db.add(order)
    db.flush()
    return order


def record_step(db: Session, row, *, actor: User, at: datetime, step: str, squad: Squad | None = None, **details):
    """The audit entry the toolkit writes when a step of the subject is completed."""
    from workflows import audit

    return audit.record(db, actor=actor, now=at, family=row.family, subject_id=row.subject_id, action="complete",
                        step=step, summary=f"完成{step}",
                        details={**details, "squad_id": squad.id if squad else None})
