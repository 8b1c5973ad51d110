"""Operational figures read at scrape time (/metrics): open and overdue steps by family and colour level."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.engine import WorkItem
from workflows.deadlines.ladder import LEVEL_OF_STAGE


def open_steps(session: Session, now: datetime) -> tuple[Counter, Counter]:
    """(open, overdue) counts keyed by (family, level); level follows the step's ladder stage (蓝/黄/橙/红)."""
    overdue_case = (WorkItem.due_at.is_not(None)) & (WorkItem.due_at < now)
    rows = session.execute(select(WorkItem.family, WorkItem.alert_stage, overdue_case, func.count())
                           .group_by(WorkItem.family, WorkItem.alert_stage, overdue_case)).all()
    opened, overdue = Counter(), Counter()
    for family, stage, late, count in rows:
        key = (family, LEVEL_OF_STAGE.get(stage or 0, "blue"))
        opened[key] += count
        if late:
            overdue[key] += count
    return opened, overdue
