"""Deadline and task-operation data for the demo bureau, for EVERY family through the same toolkit: the ladder
caught up to now (warnings, overdue alerts, escalations, red 督办单), extension requests (approved — one into
next year, provisional —, refused, pending), suspensions, urges (twice on an overdue step, which turns it red),
CCs with read receipts and delegations."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from models.engine import WorkItem
from models.notifications import Notification
from models.org import User
from models.subjects import Subject
from workflows import families, steps
from workflows.access import can_act
from workflows.calendar import local_day
from workflows.deadlines import ladder, requests
from workflows.errors import DomainError
from workflows.tasks import cc, transfer, urge

# How much of each operation the demo shows per family (批示件 carry the most, as in the bureau's year).
QUOTA = {"instructed_item": {"extensions": 7, "suspensions": 2, "urges": 10, "ccs": 4, "delegations": 3}}
DEFAULT_QUOTA = {"extensions": 3, "suspensions": 1, "urges": 3, "ccs": 2, "delegations": 1}
REASONS = {
    "extension": "涉及多个部门联合认定，需补充调取监控录像和询问笔录。",
    "suspension": "等待规划资源部门出具违法建筑认定意见。",
    "urge": "该环节已临近期限，请抓紧办理并及时反馈。",
}


def stop_for(age_days: float, rng: random.Random, *, limit_days: float, coordination: list[str],
             squad: list[str]) -> str | None:
    """Where a demo subject of this age waits (None: it ran to the end). Recent subjects wait anywhere, but the
    coordination section's steps only in their first days (it works promptly); past its limit a subject is
    mostly closed, a few stuck with a slow squad; long past it, hardly any."""
    if age_days > 3 * limit_days:
        return rng.choice([None] * 30 * len(squad) + squad)
    if age_days > limit_days:
        return rng.choice([None] * 8 * len(squad) + squad)
    if age_days < 2:
        return rng.choice([None] + coordination + squad)
    return rng.choice([None] * 2 + squad)


def catch_up(db: Session, now: datetime) -> int:
    """What the scheduler would do at start: send every due ladder stage of every family."""
    sent = 0
    for work_id in db.scalars(select(WorkItem.id).where(WorkItem.next_alert_at <= now)).all():
        sent += ladder.process_work(db, work_id, now)
    for fam in families.all_families():
        for subject_id in db.scalars(select(fam.model.id).where(fam.model.next_alert_at <= now)).all():
            sent += ladder.process_subject(db, fam.name, subject_id, now)
    return sent


def _worker(db: Session, org: dict, family: str, subject_id: int) -> tuple[WorkItem, User] | None:
    """An open step held outside the coordination section, and who does it (its holder, or its unit's first)."""
    people = sorted(org["users"].values(), key=lambda u: u.id)
    for work in steps.open_work(db, family, subject_id):
        if work.step_group == "coordination":
            continue
        holder = next((u for u in people if u.id == work.assignee_id), None)
        holder = holder or next((u for u in people if can_act(u, work)), None)
        if holder is not None:
            return work, holder
    return None


def _in_time(db: Session, family: str, now: datetime) -> list[Subject]:
    return list(db.scalars(select(Subject).where(Subject.family == family, Subject.status == "open",
                                                 Subject.deadline_at > now, Subject.suspended.is_(False))
                           .order_by(Subject.deadline_at, Subject.id)))


def _extensions(db: Session, org: dict, family: str, subjects: list[Subject], now: datetime, count: int) -> int:
    made, tried = 0, 0
    for s in subjects:
        found = _worker(db, org, family, s.subject_id)
        if made >= count or found is None:
            continue
        at = now - timedelta(hours=30 - made)
        new_date = local_day(s.deadline_at) + timedelta(days=7)
        tried += 1
        if tried == 1 and family == "instructed_item":  # into next year, whose calendar is not out: 暂定
            new_date = max(new_date, date(local_day(now).year + 1, 1, 15))
        try:
            req = requests.request_extension(db, actor=found[1], now=at, family=family, subject_id=s.subject_id,
                                             new_date=new_date, reason=REASONS["extension"])
        except DomainError:  # a limit of this family's rules (e.g. the petition's +30 cap): try the next one
            continue
        approver = _approver(org, req.approver_group)
        if made % 3 == 0:
            requests.decide(db, actor=approver, now=at + timedelta(hours=2), request_id=req.id, approve=True,
                            opinion="同意延期，请抓紧办理。")
        elif made % 3 == 1:
            requests.decide(db, actor=approver, now=at + timedelta(hours=2), request_id=req.id, approve=False,
                            opinion="延期理由不充分，请按原期限办结。")
        made += 1
    return made


def _approver(org: dict, group: str) -> User:
    return org["users"]["leader" if group == "leader" else "xtk"]


def _suspensions(db: Session, org: dict, family: str, subjects: list[Subject], now: datetime, count: int) -> int:
    made = 0
    for s in reversed(subjects):
        if made >= count:
            break
        try:
            req = requests.request_suspension(db, actor=org["users"]["xtk"], now=now - timedelta(hours=3),
                                              family=family, subject_id=s.subject_id, reason=REASONS["suspension"])
        except DomainError:  # a request of the subject is still pending: suspend another one
            continue
        if req.status == "pending":
            requests.decide(db, actor=_approver(org, req.approver_group), now=now - timedelta(hours=2),
                            request_id=req.id, approve=True, opinion="同意挂起，认定意见出具后立即恢复计时。")
        made += 1
    return made


def _urges(db: Session, org: dict, family: str, now: datetime, rng: random.Random, count: int) -> int:
    """Urge the steps nearest their due time; the first overdue one is urged twice (it turns red)."""
    works = db.scalars(select(WorkItem).where(WorkItem.family == family, WorkItem.step_group != "coordination")
                       .order_by(WorkItem.due_at, WorkItem.id)).all()
    made = 0
    for n, work in enumerate(works[:count]):
        times = 2 if n == 0 and work.due_at is not None and work.due_at < now else 1
        for t in range(times):
            who = org["users"]["leader" if (n + t) % 3 == 0 else "xtk"]
            urge.urge(db, actor=who, now=now - timedelta(hours=rng.randint(1, 20) + 24 * (times - t - 1)),
                      family=family, subject_id=work.subject_id, task_uuid=work.task_uuid, message=REASONS["urge"])
            made += 1
    return made


def _ccs(db: Session, org: dict, family: str, subjects: list[Subject], now: datetime, count: int) -> int:
    users = org["users"]
    for n, s in enumerate(subjects[:count]):
        to = [users["leader2"].id] + ([users["fzk"].id] if n % 2 else [users["dck"].id])
        cc.cc(db, actor=users["xtk"], now=now - timedelta(hours=6 + n), family=family, subject_id=s.subject_id,
              user_ids=to, note="请关注办理进展。")
        if n % 2 == 0:
            cc.mark_read(db, user=users["leader2"], family=family, subject_id=s.subject_id,
                         now=now - timedelta(hours=2))
    return min(count, len(subjects))


def _delegations(db: Session, org: dict, family: str, now: datetime, count: int) -> int:
    people = sorted(org["users"].values(), key=lambda u: u.id)
    works = db.scalars(select(WorkItem).where(WorkItem.family == family, WorkItem.assignee_id.is_(None),
                                              WorkItem.owner_id.is_(None), WorkItem.step_group == "squad")
                       .order_by(WorkItem.due_at.desc(), WorkItem.id)).all()
    made = 0
    for work in works:
        unit = [u for u in people if can_act(u, work)]
        if made >= count or len(unit) < 2:
            continue
        transfer.delegate(db, actor=unit[0], now=now - timedelta(hours=5), work_id=work.id, to_user_id=unit[1].id,
                          note="请你先到现场核查取证，办理意见交我确认。")
        made += 1
    return made


def mark_old_read(db: Session, now: datetime) -> None:
    """People have read what is older than two days; the demo's unread counts show only recent news."""
    db.execute(update(Notification).where(Notification.created_at < now - timedelta(days=2),
                                          Notification.read_at.is_(None)).values(read_at=now))
    db.flush()


def load(db: Session, now: datetime, org: dict, rng: random.Random) -> str:
    sent = catch_up(db, now)
    totals = dict.fromkeys(DEFAULT_QUOTA, 0)
    for fam in families.all_families():
        quota = QUOTA.get(fam.name, DEFAULT_QUOTA)
        subjects = _in_time(db, fam.name, now)
        totals["extensions"] += _extensions(db, org, fam.name, subjects, now, quota["extensions"])
        totals["suspensions"] += _suspensions(db, org, fam.name, subjects, now, quota["suspensions"])
        totals["urges"] += _urges(db, org, fam.name, now, rng, quota["urges"])
        totals["ccs"] += _ccs(db, org, fam.name, _in_time(db, fam.name, now), now, quota["ccs"])
        totals["delegations"] += _delegations(db, org, fam.name, now, quota["delegations"])
    sent += catch_up(db, now)  # the second urges turn steps red: their 督办单 go out now
    return (f"时限：提醒 {sent} 项，延期申请 {totals['extensions']} 件，催办 {totals['urges']} 次，"
            f"挂起 {totals['suspensions']} 件，抄送 {totals['ccs']} 件，委派 {totals['delegations']} 个环节")
