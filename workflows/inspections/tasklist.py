"""The annual supervision task list (年度执法监督工作任务清单): its lines, their periods' state (done, due,
overdue, to come) and its .xlsx import and export."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.inspections import AREAS, FREQUENCIES, InspectionRound, InspectionTask, InspectionTemplate
from models.org import Section, User
from workflows import audit
from workflows.calendar import local_day
from workflows.errors import InvalidInput, PermissionDenied
from workflows.inspections import access, periods, xlsx

FAMILY = "inspection_task"
COLUMNS = {"序号": "seq", "监督领域": "area", "监督内容": "content", "重点措施": "measures", "频次": "frequency",
           "责任科室": "section", "检查表": "template", "完成时限（工作日）": "due_days", "每队抽样数": "sample_size"}
REQUIRED = ("监督领域", "监督内容", "频次", "责任科室", "检查表")
STATE_LABELS = {"done": "已完成", "open": "进行中", "overdue": "已超期", "missing": "未开启", "future": "未到期"}


@dataclass
class TaskSpec:
    year: int
    area: str
    content: str
    frequency: str
    owner_section_id: int
    template_id: int
    measures: str = ""
    due_days: int = 10
    sample_size: int = 3


def _check(session: Session, spec: TaskSpec) -> None:
    if spec.area not in AREAS:
        raise InvalidInput("监督领域不正确", "area")
    if spec.frequency not in FREQUENCIES:
        raise InvalidInput("频次不正确", "frequency")
    if not spec.content.strip() or len(spec.content) > 300:
        raise InvalidInput("请填写监督内容（300字以内）", "content")
    if session.get(Section, spec.owner_section_id or 0) is None:
        raise InvalidInput("请选择责任科室", "owner_section_id")
    if session.get(InspectionTemplate, spec.template_id or 0) is None:
        raise InvalidInput("请选择检查表", "template_id")
    if not 1 <= spec.due_days <= 120 or not 0 <= spec.sample_size <= 50:
        raise InvalidInput("完成时限须为 1–120 个工作日，抽样数 0–50", "due_days")


def add_task(session: Session, *, actor: User, now: datetime, spec: TaskSpec) -> InspectionTask:
    if not access.may_edit_templates(actor):
        raise PermissionDenied("只有责任科室和系统管理员可以编辑任务清单")
    _check(session, spec)
    seq = (session.scalar(select(InspectionTask.seq).where(InspectionTask.year == spec.year)
                          .order_by(InspectionTask.seq.desc()).limit(1)) or 0) + 1
    task = InspectionTask(year=spec.year, seq=seq, area=spec.area, content=spec.content.strip(),
                          measures=spec.measures.strip(), frequency=spec.frequency,
                          owner_section_id=spec.owner_section_id, template_id=spec.template_id,
                          due_days=spec.due_days, sample_size=spec.sample_size)
    session.add(task)
    session.flush()
    audit.record(session, actor=actor, now=now, family=FAMILY, subject_id=task.id, action="add_task",
                 summary=f"{spec.year}年任务清单第{seq}项：{task.content}")
    return task


def tasks_of(session: Session, year: int) -> list[InspectionTask]:
    return list(session.scalars(select(InspectionTask).where(InspectionTask.year == year)
                                .order_by(InspectionTask.seq)))


def _state(rnd: InspectionRound | None, period: periods.Period, today) -> str:
    if rnd is None:
        return "future" if period.start > today else "missing"
    if rnd.stage == "closed":
        return "done"
    return "overdue" if rnd.deadline_at and local_day(rnd.deadline_at) < today else "open"


def grid(session: Session, year: int, now: datetime) -> list[tuple[InspectionTask, list[tuple]]]:
    """Per task: (period, round or None, state) for each of its periods (one query for all rounds)."""
    today = local_day(now)
    tasks = tasks_of(session, year)
    rounds = {(r.task_id, r.period): r for r in session.scalars(select(InspectionRound).where(
        InspectionRound.task_id.in_([t.id for t in tasks])))} if tasks else {}
    found = []
    for task in tasks:
        cells = [(p, rounds.get((task.id, p.key)), _state(rounds.get((task.id, p.key)), p, today))
                 for p in periods.of_year(task.frequency, year)]
        found.append((task, cells))
    return found


def export(session: Session, year: int) -> bytes:
    rows = [[t.seq, AREAS[t.area], t.content, t.measures, FREQUENCIES[t.frequency], t.owner_section.name,
             t.template.name, t.due_days, t.sample_size] for t in tasks_of(session, year)]
    return xlsx.workbook(f"{year}年任务清单", list(COLUMNS), rows)


def _lookup(session: Session, row: dict) -> TaskSpec:
    area = {v: k for k, v in AREAS.items()}.get(row["area"], row["area"])
    frequency = {v: k for k, v in FREQUENCIES.items()}.get(row["frequency"], row["frequency"])
    section = session.scalar(select(Section.id).where(Section.name == row.get("section", "")))
    template = session.scalar(select(InspectionTemplate.id).where(InspectionTemplate.name == row.get("template", "")))
    try:
        due, size = int(row.get("due_days") or 10), int(row.get("sample_size") or 3)
    except ValueError:
        raise InvalidInput("完成时限和抽样数须为整数", "file") from None
    return TaskSpec(0, area, row["content"], frequency, section or 0, template or 0, row.get("measures", ""), due,
                    size)


def import_tasks(session: Session, *, actor: User, now: datetime, year: int, data: bytes) -> int:
    """Add every row of the sheet to the year's list; any bad row refuses the whole file (message names it)."""
    rows = xlsx.read_rows(data, COLUMNS, REQUIRED, 500)
    for row in rows:
        spec = _lookup(session, row)
        spec.year = year
        try:
            add_task(session, actor=actor, now=now, spec=spec)
        except InvalidInput as exc:
            raise InvalidInput(f"第{row['row']}行：{exc.message}", "file") from None
    return len(rows)
