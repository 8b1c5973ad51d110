"""时限监控 for the coordination section (overdue and near-due open steps of every family, by the squad that holds
them; subjects by colour level) and 升级督办 for the leaders (red subjects and their 督办单)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import render_template
from flask_login import login_required
from sqlalchemy import func, or_, select

from models.deadlines import ClockRequest, OverdueRecord
from models.engine import WorkItem
from models.notifications import Notification
from models.org import Role, Squad
from models.subjects import Subject, SupervisionOrder
from webapp import subjects
from webapp.db import session
from webapp.deadlines.common import bp
from webapp.extensions import actor
from workflows.errors import PermissionDenied

NEAR = timedelta(hours=24)
LIMIT = 2000


def _require(*roles: Role) -> None:
    if not actor().has(*roles):
        raise PermissionDenied("无权查看该页面")


def _due_work(db, now: datetime) -> list[WorkItem]:
    """Open steps that are overdue or near (within 24 hours or past their first warning), soonest first."""
    return list(db.scalars(select(WorkItem).where(WorkItem.due_at.is_not(None), or_(
        WorkItem.due_at <= now + NEAR, WorkItem.alert_stage >= 1)).order_by(WorkItem.due_at, WorkItem.id)
        .limit(LIMIT)))


def _due_subjects(db, now: datetime) -> list[Subject]:
    return list(db.scalars(select(Subject).where(Subject.status == "open", Subject.suspended.is_(False), or_(
        Subject.deadline_at <= now + NEAR, Subject.level != "blue")).order_by(Subject.deadline_at, Subject.id)
        .limit(LIMIT)))


def _by_squad(db, work: list[WorkItem], now: datetime) -> list[dict]:
    squads = {s.id: s.name for s in db.scalars(select(Squad))}
    evidence = dict(db.execute(select(OverdueRecord.squad_id, func.count()).group_by(OverdueRecord.squad_id)).all())
    groups: dict = {}
    for w in work:
        g = groups.setdefault(w.squad_id, {"squad_id": w.squad_id, "name": squads.get(w.squad_id, "局机关环节"),
                                           "overdue": 0, "near": 0, "rows": []})
        g["overdue" if w.due_at < now else "near"] += 1
        g["rows"].append(w)
    for g in groups.values():
        g["evidence"] = evidence.get(g["squad_id"], 0)
    return sorted(groups.values(), key=lambda g: (-g["overdue"], -g["near"], g["name"]))


def _levels(db) -> dict[str, int]:
    rows = db.execute(select(Subject.level, func.count()).where(Subject.status == "open").group_by(Subject.level))
    return dict(rows.all())


@bp.route("/board")
@login_required
def board():
    _require(Role.COORDINATOR, Role.LEADER)
    db, now = session(), datetime.now(UTC)
    work, due = _due_work(db, now), _due_subjects(db, now)
    links = {(w.family, w.subject_id): subjects.url_for_subject(w.family, w.subject_id) for w in work}
    links.update({(s.family, s.subject_id): subjects.url_for_subject(s.family, s.subject_id) for s in due})
    pending = db.scalar(select(func.count()).select_from(ClockRequest).where(ClockRequest.status == "pending"))
    return render_template("deadlines/board.html", groups=_by_squad(db, work, now), items=due, links=links,
                           now=now, total_overdue=sum(1 for w in work if w.due_at < now),
                           total_near=sum(1 for w in work if w.due_at >= now), pending=pending, levels=_levels(db),
                           family_labels=subjects.family_labels())


@bp.route("/escalations")
@login_required
def escalations():
    _require(Role.LEADER)
    db, me = session(), actor()
    notes = list(db.scalars(select(Notification).where(Notification.user_id == me.id,
                                                       Notification.kind == "escalated")
                            .order_by(Notification.created_at.desc()).limit(200)))
    red = list(db.scalars(select(Subject).where(Subject.status == "open", Subject.level == "red")
                          .order_by(Subject.deadline_at, Subject.id).limit(LIMIT)))
    open_orders = list(db.scalars(select(SupervisionOrder).where(SupervisionOrder.status == "issued")
                                  .order_by(SupervisionOrder.answer_due_at)))
    pairs = [(n.family, n.subject_id) for n in notes if n.family] + [(s.family, s.subject_id) for s in red]
    links = {p: subjects.url_for_subject(*p) for p in pairs}
    pending = list(db.scalars(select(ClockRequest).where(ClockRequest.status == "pending",
                                                         ClockRequest.approver_group == "leader")))
    return render_template("deadlines/escalations.html", notes=notes, red=red, orders=open_orders, links=links,
                           pending=pending, now=datetime.now(UTC), family_labels=subjects.family_labels())
