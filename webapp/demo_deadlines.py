"""Deadline data for the demo bureau: the ladder caught up to now (warnings, overdue alerts, escalations),
extension requests (approved — one into next year, provisional —, refused, pending), urges, suspensions."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from models.engine import WorkItem
from models.items import ItemKind, SupervisedItem
from models.notifications import Notification
from models.org import Role
from workflows import families
from workflows.calendar import local_day
from workflows.deadlines import ladder, requests
from workflows.tasks import urge


def catch_up(db: Session, now: datetime) -> int:
    """What the scheduler would do at start: send every due ladder stage of every family."""
    sent = 0
    for work_id in db.scalars(select(WorkItem.id).where(WorkItem.next_alert_at <= now)).all():
        sent += ladder.process_work(db, work_id, now)
    for fam in families.all_families():
        for subject_id in db.scalars(select(fam.model.id).where(fam.model.next_alert_at <= now)).all():
            sent += ladder.process_subject(db, fam.name, subject_id, now)
    return sent


def _member(org: dict, item: SupervisedItem):
    if item.handler_id:
        return next(u for u in org["users"].values() if u.id == item.handler_id)
    return next(u for u in org["users"].values() if u.squad_id == item.lead_squad_id and u.has(Role.SQUAD_LEADER))


def _extensions(db: Session, org: dict, items: list[SupervisedItem], now: datetime) -> int:
    users = org["users"]
    for n, item in enumerate(items[:7]):
        at = now - timedelta(hours=30 - n)
        new_date = local_day(item.deadline_at) + timedelta(days=7)
        if n == 0:  # into next year, whose calendar is not published yet: a provisional (暂定) deadline
            new_date = max(new_date, date(local_day(now).year + 1, 1, 15))
        req = requests.request_extension(db, actor=_member(org, item), now=at, family="instructed_item",
                                      subject_id=item.id, new_date=new_date,
                                      reason="涉及多个部门联合认定，需补充调取监控录像和询问笔录。")
        approver = users["leader"] if ItemKind(item.kind).needs_signoff else users["xtk"]
        if n < 3:
            requests.decide(db, actor=approver, now=at + timedelta(hours=2), request_id=req.id, approve=True,
                            opinion="同意延期，请抓紧办理。")
        elif n < 5:
            requests.decide(db, actor=approver, now=at + timedelta(hours=2), request_id=req.id,
                            approve=False, opinion="延期理由不充分，请按原期限办结。")
    return min(len(items), 7)


def _urges(db: Session, org: dict, now: datetime, rng: random.Random) -> int:
    works = db.scalars(select(WorkItem).where(WorkItem.step_group == "squad", WorkItem.family == "instructed_item")
                       .order_by(WorkItem.due_at)).all()
    for n, work in enumerate(works[:10]):
        who = org["users"]["leader" if n % 3 == 0 else "xtk"]
        urge.urge(db, actor=who, now=now - timedelta(hours=rng.randint(1, 20)), family=work.family,
                  subject_id=work.subject_id, task_uuid=work.task_uuid,
                  message="该环节已临近期限，请抓紧办理并及时反馈。")
    return min(len(works), 10)


def mark_old_read(db: Session, now: datetime) -> None:
    """People have read what is older than two days; the demo's unread counts show only recent news."""
    db.execute(update(Notification).where(Notification.created_at < now - timedelta(days=2),
                                          Notification.read_at.is_(None)).values(read_at=now))
    db.flush()


def load(db: Session, now: datetime, org: dict, rng: random.Random) -> str:
    sent = catch_up(db, now)
    open_items = db.scalars(select(SupervisedItem).where(
        SupervisedItem.status == "open", SupervisedItem.lead_squad_id.is_not(None),
        SupervisedItem.deadline_at > now).order_by(SupervisedItem.deadline_at)).all()
    extensions = _extensions(db, org, list(open_items), now)
    urges = _urges(db, org, now, rng)
    suspended = 0
    for item in list(open_items)[-2:]:
        req = requests.request_suspension(db, actor=org["users"]["xtk"], now=now - timedelta(hours=3),
                                          family="instructed_item", subject_id=item.id,
                                          reason="等待规划资源部门出具违法建筑认定意见。")
        if req.status == "pending":
            requests.decide(db, actor=org["users"]["leader"], now=now - timedelta(hours=2), request_id=req.id,
                            approve=True, opinion="同意挂起，认定意见出具后立即恢复计时。")
        suspended += 1
    return f"时限：提醒 {sent} 项，延期申请 {extensions} 件，催办 {urges} 次，挂起 {suspended} 件"
