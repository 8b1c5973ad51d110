"""Opening inspection rounds: by hand (an owner section, or a squad inspector on their own squad) or by the
scheduler from the annual task list, exactly once per task and period (a unique key, the task row locked)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models.inspections import InspectionRound, InspectionTask, InspectionTemplate, TemplateVersion
from models.org import Section, Squad, User
from workflows.calendar import end_of_local_day, load_calendar, local_day
from workflows.deadlines import compute
from workflows.deadlines.rules import load_book
from workflows.errors import InvalidInput, PermissionDenied
from workflows.inspections import access, periods
from workflows.inspections.family import ROUND
from workflows.tasks import lifecycle


@dataclass
class Opening:
    template_id: int
    title: str = ""
    tier: str = "bureau"
    owner_section_id: int | None = None
    squad_id: int | None = None
    squad_ids: list[int] = field(default_factory=list)
    sample_size: int = 0
    period: periods.Period | None = None
    task_id: int | None = None
    due_days: int | None = None


def frozen_version(session: Session, template_id: int) -> TemplateVersion:
    template = session.get(InspectionTemplate, template_id or 0)
    if template is None or not template.active or template.current_version == 0:
        raise InvalidInput("请选择有效的检查表", "template_id")
    return session.scalar(select(TemplateVersion).where(TemplateVersion.template_id == template.id,
                                                        TemplateVersion.version == template.current_version))


def _check_actor(session: Session, actor: User | None, spec: Opening) -> None:
    if actor is None:
        return  # the scheduler
    if spec.tier == "squad":
        if not access.is_squad_inspector(actor) or actor.squad_id != spec.squad_id:
            raise PermissionDenied("三级督察员只能督察本中队")
        return
    if not access.may_open_bureau_round(actor):
        raise PermissionDenied("只有责任科室可以开启检查轮次")
    section = session.get(Section, spec.owner_section_id or 0)
    if section is None:
        raise InvalidInput("请选择责任科室", "owner_section_id")


def open_round(session: Session, *, actor: User | None, now: datetime, spec: Opening) -> InspectionRound:
    """A new round with the template's current version frozen; its process starts at 计划 (or the squad path)."""
    _check_actor(session, actor, spec)
    version = frozen_version(session, spec.template_id)
    period = spec.period or periods.ad_hoc(local_day(now))
    squads = [spec.squad_id] if spec.tier == "squad" else (
        spec.squad_ids or list(session.scalars(select(Squad.id).order_by(Squad.id))))
    rnd = InspectionRound(
        title=(spec.title.strip() or f"{period.label}{version.template.name}")[:200], task_id=spec.task_id,
        template_version_id=version.id, tier=spec.tier, squad_id=spec.squad_id if spec.tier == "squad" else None,
        owner_section_id=spec.owner_section_id if spec.tier == "bureau" else None, period=period.key,
        period_start=period.start, period_end=period.end, squad_ids=squads, sample_size=spec.sample_size,
        status="open", stage="planning", opened_by_id=actor.id if actor else None, opened_at=now, clock_rules_at=now,
    )
    calendar = load_calendar(session)
    if spec.due_days:
        due = calendar.add_working_days(max(now, end_of_local_day(period.start)), spec.due_days)
        rnd.deadline_basis = "given"
    else:
        due = compute.subject_deadline(calendar, load_book(session, ROUND.name, now), ROUND, rnd)
    rnd.deadline_at, rnd.deadline_provisional, rnd.base_deadline_at = due.due_at, due.provisional, due.due_at
    rnd.number = lifecycle.number_for(session, ROUND, now)
    session.add(rnd)
    session.flush()
    who = "计划任务" if actor is None else actor.name
    return lifecycle.start(session, ROUND, rnd, actor=actor, now=now, action="open_round",
                           summary=f"开启检查轮次：{rnd.title}（{who}）",
                           details={"task_id": spec.task_id, "period": period.key, "template_version": version.id})


def open_period(session: Session, task_id: int, period: periods.Period, now: datetime) -> bool:
    """Open the task's round of the period unless another scheduler holds the task or it is open already."""
    task = session.execute(select(InspectionTask).where(InspectionTask.id == task_id)
                           .with_for_update(skip_locked=True)).scalar_one_or_none()
    if task is None:
        return False  # another scheduler holds it: that one opens the round
    exists = session.scalar(select(InspectionRound.id).where(InspectionRound.task_id == task.id,
                                                             InspectionRound.period == period.key))
    if exists:
        return False
    spec = Opening(template_id=task.template_id, tier="bureau", owner_section_id=task.owner_section_id,
                   sample_size=task.sample_size, period=period, task_id=task.id, due_days=task.due_days)
    try:
        with session.begin_nested():
            open_round(session, actor=None, now=now, spec=spec)
    except IntegrityError:
        return False  # opened meanwhile (the unique task+period key): exactly once
    return True


def open_due(session: Session, now: datetime) -> int:
    """Open every active task's current period that has no round yet (this year's list); returns how many."""
    today = local_day(now)
    tasks = session.execute(select(InspectionTask.id, InspectionTask.frequency).where(
        InspectionTask.active.is_(True), InspectionTask.year == today.year).order_by(InspectionTask.id)).all()
    opened = 0
    for task_id, frequency in tasks:
        period = periods.containing(frequency, today)
        if period is not None:
            opened += open_period(session, task_id, period, now)
    return opened


def round_for(session: Session, task_id: int, period_key: str) -> InspectionRound | None:
    return session.scalar(select(InspectionRound).where(InspectionRound.task_id == task_id,
                                                        InspectionRound.period == period_key))


