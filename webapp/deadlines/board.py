"""时限监控 for the coordination section (overdue and near-due work by squad) and 升级督办 for leaders."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import render_template
from flask_login import login_required
from sqlalchemy import func, or_, select

from models.deadlines import ExtensionRequest, OverdueRecord
from models.engine import WorkItem
from models.notifications import Notification
from models.org import Role, Squad
from webapp import subjects
from webapp.db import session
from webapp.deadlines.views import bp
from webapp.extensions import actor
from workflows.deadlines import registry
from workflows.errors import PermissionDenied
from workflows.notifications import ESCALATION_STEPS

NEAR = timedelta(hours=24)


def _require(*roles: Role) -> None:
    if not actor().has(*roles):
        raise PermissionDenied("无权查看该页面")


def _due_work(db, now: datetime) -> list[WorkItem]:
    """Open steps that are overdue or near (within 24 hours or past their first warning), soonest first."""
    return list(db.scalars(select(WorkItem).where(
        WorkItem.due_at.is_not(None), WorkItem.step.not_in(ESCALATION_STEPS),
        or_(WorkItem.due_at <= now + NEAR, WorkItem.alert_stage >= 1)).order_by(WorkItem.due_at).limit(2000)))


def _due_subjects(db, now: datetime) -> list[tuple]:
    rows = []
    for adapter in registry.adapters():
        model = adapter.model
        found = db.scalars(select(model).where(model.status == "open", model.suspended_at.is_(None), or_(
            model.deadline_at <= now + NEAR, model.alert_stage >= 1)).order_by(model.deadline_at).limit(1000))
        rows += [(adapter, s) for s in found]
    return sorted(rows, key=lambda pair: pair[1].deadline_at)


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


@bp.route("/board")
@login_required
def board():
    _require(Role.COORDINATOR, Role.LEADER)
    db = session()
    now = datetime.now(UTC)
    work = _due_work(db, now)
    items = _due_subjects(db, now)
    links = {(w.family, w.subject_id): subjects.url_for_subject(w.family, w.subject_id) for w in work}
    links.update({(a.family, s.id): subjects.url_for_subject(a.family, s.id) for a, s in items})
    pending = db.scalar(select(func.count()).select_from(ExtensionRequest).where(ExtensionRequest.status == "pending"))
    return render_template("deadlines/board.html", groups=_by_squad(db, work, now), items=items, links=links,
                           now=now, total_overdue=sum(1 for w in work if w.due_at < now),
                           total_near=sum(1 for w in work if w.due_at >= now), pending=pending)


@bp.route("/escalations")
@login_required
def escalations():
    _require(Role.LEADER)
    db = session()
    me = actor()
    notes = list(db.scalars(select(Notification).where(Notification.user_id == me.id,
                                                       Notification.kind == "escalated")
                            .order_by(Notification.created_at.desc()).limit(200)))
    work = list(db.scalars(select(WorkItem).where(WorkItem.step.in_(ESCALATION_STEPS)).order_by(WorkItem.started_at)))
    pairs = [(n.family, n.subject_id) for n in notes if n.family] + [(w.family, w.subject_id) for w in work]
    links = {p: subjects.url_for_subject(*p) for p in pairs}
    pending = list(db.scalars(select(ExtensionRequest).where(ExtensionRequest.status == "pending",
                                                             ExtensionRequest.approver_group == "leader")))
    return render_template("deadlines/escalations.html", notes=notes, work=work, links=links, pending=pending)
