"""The alert ladder of one clock (an open step, or a whole subject of any family): 临期预警 yellow at a share
of the time, a red warning one working day before, the overdue alert at the due time (coordination urges,
leaders informed), and escalation N working days after it. A subject's colour level (督办单 levels) follows:
蓝 normal → 黄 临期 → 橙 超期 → 红 (escalated, or overdue and urged again), and red issues a 督办单.

Every stage is sent once: its notifications carry a key built from the clock and its due time, the stage
reached is stored on the row and the row's next_alert_at says when the sweep must look again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from models.deadlines import ClockEvent, OverdueRecord, Urge
from models.engine import WorkItem
from models.org import Role
from workflows import audit, families, notifications, subjects
from workflows.calendar import LOCAL_TZ, WorkCalendar, end_of_local_day, load_calendar, local_day
from workflows.deadlines.rules import Rule, RuleBook, book_for
from workflows.families import Family

YELLOW, RED, OVERDUE, ESCALATED = 1, 2, 3, 4
STAGE_KEYS = {YELLOW: "warn-yellow", RED: "warn-red", OVERDUE: "overdue", ESCALATED: "escalate"}
STAGE_LABELS = {0: "", YELLOW: "黄色预警", RED: "红色预警", OVERDUE: "已超期", ESCALATED: "已升级"}
LEVEL_OF_STAGE = {0: "blue", YELLOW: "yellow", RED: "yellow", OVERDUE: "orange", ESCALATED: "red"}
LEVEL_ORDER = ("blue", "yellow", "orange", "red")
DEFAULT_THRESHOLDS = Rule(amount=1)


@dataclass
class Watch:
    """One clock as the ladder sees it."""

    ident: str  # "work:<task_uuid>" or "item:<family>:<id>"
    family: str
    subject_id: int
    number: str
    title: str
    step: str
    step_name: str
    task_uuid: str | None
    squad_id: int | None
    assignee_id: int | None
    holders: list[int]
    started_at: datetime
    due_at: datetime


class Context:
    """Calendar and rule books loaded once per transaction."""

    def __init__(self, session: Session):
        self.session = session
        self.calendar: WorkCalendar = load_calendar(session)

    def book(self, fam: Family, subject: Any) -> RuleBook:
        return book_for(self.session, fam.name, subject)


def stage_times(calendar: WorkCalendar, rule: Rule, started_at: datetime, due_at: datetime) -> dict:
    due_day = local_day(due_at)
    red = end_of_local_day(calendar.shift_working_days(due_day, -rule.red_workdays)) if rule.red_workdays else None
    if red is not None and not started_at < red < due_at:
        red = None
    yellow = started_at + (due_at - started_at) * (rule.yellow_pct / 100)
    if not started_at < yellow < due_at or (red is not None and yellow >= red):
        yellow = None
    days = rule.escalate_workdays
    escalate = end_of_local_day(calendar.shift_working_days(due_day, days)) if days else due_at
    return {YELLOW: yellow, RED: red, OVERDUE: due_at, ESCALATED: max(escalate, due_at)}


def next_alert(times: dict, stage: int) -> datetime | None:
    later = [at for s, at in times.items() if s > stage and at is not None]
    return min(later) if later else None


def _insert_overdue(session: Session, watch: Watch, now: datetime) -> None:
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    session.execute(insert(OverdueRecord).values(
        key=f"{watch.ident}:{watch.due_at.isoformat()}"[:160], family=watch.family, subject_id=watch.subject_id,
        task_uuid=watch.task_uuid, step=watch.step, step_name=watch.step_name, squad_id=watch.squad_id,
        assignee_id=watch.assignee_id, due_at=watch.due_at, detected_at=now,
    ).on_conflict_do_nothing(index_elements=["key"]))


def _recipients(session: Session, watch: Watch, stage: int) -> list[int]:
    if stage in (YELLOW, RED):
        return watch.holders
    if stage == ESCALATED:
        return notifications.role_users(session, [Role.LEADER])
    people = list(watch.holders) + notifications.role_users(session, [Role.COORDINATOR])
    if watch.step == "":  # a whole subject overdue: the leaders are informed (橙)
        people += notifications.role_users(session, [Role.LEADER])
    if watch.squad_id is not None:
        people += notifications.role_users(session, [Role.SQUAD_LEADER], squad_id=watch.squad_id)
    return people


def _title(watch: Watch, stage: int) -> str:
    what = f"{watch.number}「{watch.step_name}」"
    due = watch.due_at.astimezone(LOCAL_TZ).strftime("%m-%d %H:%M")
    return {YELLOW: f"临期预警：{what}将于 {due} 到期", RED: f"临期预警（红）：{what}将于 {due} 到期",
            OVERDUE: f"超期提醒：{what}已于 {due} 到期未办结",
            ESCALATED: f"超期升级：{what}超期未办结，请局领导督办"}[stage]


def emit(session: Session, watch: Watch, stage: int, now: datetime) -> None:
    kind = {YELLOW: "warning", RED: "warning", OVERDUE: "overdue", ESCALATED: "escalated"}[stage]
    level = {YELLOW: "warning", RED: "danger", OVERDUE: "danger", ESCALATED: "danger"}[stage]
    notifications.notify(session, key=f"{STAGE_KEYS[stage]}:{watch.ident}:{watch.due_at.isoformat()}",
                         user_ids=_recipients(session, watch, stage), kind=kind, level=level,
                         title=_title(watch, stage), body=watch.title, now=now, family=watch.family,
                         subject_id=watch.subject_id, task_uuid=watch.task_uuid)
    if stage == OVERDUE:
        _insert_overdue(session, watch, now)
    if stage in (OVERDUE, ESCALATED):
        audit.record(session, actor=None, now=now, family=watch.family, subject_id=watch.subject_id,
                     action=STAGE_KEYS[stage], step=watch.step or None, summary=_title(watch, stage),
                     details={"due_at": watch.due_at.isoformat(), "clock": watch.ident})


def run_stages(session: Session, times: dict, watch: Watch, stage: int, now: datetime) -> tuple[int, datetime | None]:
    """Send every stage that is due (catching up after downtime); the stage reached and the next moment."""
    for s in (YELLOW, RED, OVERDUE, ESCALATED):
        at = times[s]
        if s <= stage or at is None:
            continue
        if at > now:
            break
        emit(session, watch, s, now)
        stage = s
    return stage, next_alert(times, stage)


def work_watch(session: Session, work: WorkItem) -> Watch:
    return Watch(f"work:{work.task_uuid}", work.family, work.subject_id, work.subject_number, work.subject_title,
                 work.step, work.step_name, work.task_uuid, work.squad_id, work.assignee_id,
                 notifications.holders(session, work), work.started_at, work.due_at)


def subject_watch(session: Session, fam: Family, subject: Any) -> Watch:
    number, title = fam.label_of(subject)
    squad, handler = fam.squad_of(subject), fam.handler_of(subject)
    if handler is not None:
        holders = [handler]
    elif squad is not None:
        holders = notifications.role_users(session, [Role.SQUAD_LEADER], squad_id=squad)
    else:
        holders = notifications.role_users(session, [Role.COORDINATOR])
    return Watch(f"item:{fam.name}:{subject.id}", fam.name, subject.id, number, title, "", "办理期限",
                 None, squad, handler, holders, fam.started_of(subject), subject.deadline_at)


def _is_ticking(fam: Family, subject: Any) -> bool:
    return subject is not None and str(subject.status) == "open" and subject.suspended_at is None


def _work_times(ctx: Context, work: WorkItem):
    """The stage moments of an open step (None: no clock — no due time, or its subject is paused/closed)."""
    if work.due_at is None:
        return None
    fam = families.find(work.family)
    if fam is None:
        return stage_times(ctx.calendar, DEFAULT_THRESHOLDS, work.started_at, work.due_at)
    subject = ctx.session.get(fam.model, work.subject_id)
    if not _is_ticking(fam, subject):
        return None
    rule = ctx.book(fam, subject).thresholds(fam.kind_of(subject), work.step)
    return stage_times(ctx.calendar, rule, work.started_at, work.due_at)


def arm_work(ctx: Context, work: WorkItem) -> None:
    times = _work_times(ctx, work)
    work.next_alert_at = next_alert(times, work.alert_stage or 0) if times else None


def _subject_rule(ctx: Context, fam: Family, subject: Any) -> Rule:
    return ctx.book(fam, subject).item(fam.kind_of(subject))


def _subject_times(ctx: Context, fam: Family, subject: Any):
    if not _is_ticking(fam, subject) or subject.deadline_at is None:
        return None
    return stage_times(ctx.calendar, _subject_rule(ctx, fam, subject), fam.started_of(subject), subject.deadline_at)


def arm_subject(ctx: Context, fam: Family, subject: Any) -> None:
    times = _subject_times(ctx, fam, subject)
    subject.next_alert_at = next_alert(times, subject.alert_stage or 0) if times else None


def urges_since(session: Session, family: str, subject_id: int, moment: datetime) -> int:
    return session.scalar(select(func.count(Urge.id)).where(
        Urge.family == family, Urge.subject_id == subject_id, Urge.urged_at > moment)) or 0


def level_for(ctx: Context, fam: Family, subject: Any, now: datetime) -> str:
    """The colour a subject's clock shows now: from the ladder stage, or red when it is overdue and was urged
    `red_after_urges` times since its deadline passed."""
    level = LEVEL_OF_STAGE.get(subject.alert_stage or 0, "blue")
    due = subject.deadline_at
    if level == "orange" and due is not None and now > due:
        rule = _subject_rule(ctx, fam, subject)
        if rule.red_after_urges and urges_since(ctx.session, fam.name, subject.id, due) >= rule.red_after_urges:
            level = "red"
    return level


def update_level(ctx: Context, fam: Family, subject: Any, now: datetime, actor=None) -> str:
    """Set the subject's colour (recording a change in its clock history); red issues the 督办单 once."""
    from workflows.deadlines import orders

    level = level_for(ctx, fam, subject, now)
    if level != (subject.level or "blue"):
        ctx.session.add(ClockEvent(family=fam.name, subject_id=subject.id, kind="level_changed", at=now,
                                   actor_id=getattr(actor, "id", None), old_deadline_at=subject.deadline_at,
                                   note=f"{subject.level or 'blue'} → {level}"))
        subject.level = level
    if level == "red" and str(subject.status) == "open":
        orders.issue(ctx.session, fam, subject, now, _subject_rule(ctx, fam, subject),
                     inform_leaders=(subject.alert_stage or 0) < ESCALATED)
    subjects.project(ctx.session, fam, subject, now)
    return level


def process_work(session: Session, work_id: int, now: datetime) -> bool:
    """Send the due stages of one open step, under its subject's and its own row lock (in that order, like every
    web action); False when another transaction holds either."""
    work = families.lock_work(session, work_id, skip_locked=True)
    if work is None or work.next_alert_at is None or work.next_alert_at > now:
        return False
    times = _work_times(Context(session), work)
    if times is None:
        work.next_alert_at = None
    else:
        work.alert_stage, work.next_alert_at = run_stages(session, times, work_watch(session, work),
                                                          work.alert_stage or 0, now)
        work.overdue_seen = work.overdue_seen or work.alert_stage >= OVERDUE
    session.flush()
    return True


def process_subject(session: Session, family: str, subject_id: int, now: datetime) -> bool:
    fam = families.get(family)
    subject = families.lock(session, family, subject_id, skip_locked=True)
    if subject is None or subject.next_alert_at is None or subject.next_alert_at > now:
        return False
    ctx = Context(session)
    times = _subject_times(ctx, fam, subject)
    if times is None:
        subject.next_alert_at = None
    else:
        subject.alert_stage, subject.next_alert_at = run_stages(
            session, times, subject_watch(session, fam, subject), subject.alert_stage or 0, now)
        update_level(ctx, fam, subject, now)
    session.flush()
    return True
