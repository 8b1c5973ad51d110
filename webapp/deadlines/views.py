"""时限: extension requests and decisions, suspend/resume, urges, and the clock panel on subject pages."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from models.deadlines import ExtensionRequest
from models.engine import WorkItem
from webapp import subjects
from webapp.db import session
from webapp.deadlines.forms import DecisionForm, ExtensionForm, ResumeForm, SuspendForm, UrgeForm
from webapp.extensions import actor
from workflows.access import SEES_ALL, SQUAD_ROLES
from workflows.deadlines import clock, registry, urge
from workflows.deadlines.ladder import STAGE_LABELS
from workflows.errors import InvalidInput, NotFound, PermissionDenied

bp = Blueprint("deadlines", __name__, url_prefix="/deadlines")
EVENT_LABELS = {"extension_requested": "申请延期", "extension_approved": "同意延期", "extension_refused": "不同意延期",
                "suspended": "挂起", "resumed": "恢复计时", "urged": "催办", "recomputed": "日历更新重算"}


def visible_subject(family: str, subject_id: int):
    """The subject when the user may see it: 404 unknown, 403 another squad's."""
    db = session()
    adapter = registry.get(family)
    subject = adapter.load(db, subject_id)
    me = actor()
    if me.has(*SEES_ALL):
        return adapter, subject
    if me.has(*SQUAD_ROLES) and adapter.squad_of(subject) == me.squad_id:
        return adapter, subject
    raise PermissionDenied("无权查看该事项")


@bp.app_context_processor
def _panel():
    def clock_panel(family: str, subject_id: int) -> dict:
        db = session()
        data = urge.history(db, family, subject_id)
        data["pending"] = next((r for r in data["requests"] if r.status == "pending"), None)
        data["work"] = list(db.scalars(select(WorkItem).where(WorkItem.family == family,
                                                              WorkItem.subject_id == subject_id)))
        return data

    return {"clock_panel": clock_panel, "EVENT_LABELS": EVENT_LABELS, "STAGE_LABELS": STAGE_LABELS,
            "me_user": current_user.user if current_user.is_authenticated else None}


def _run_form(form, template: str, action, done: str, **context):
    """Validate, run the domain action, commit; on bad input show the message next to the field (400)."""
    db = session()
    if form.validate_on_submit():
        try:
            action(db)
        except InvalidInput as exc:
            db.rollback()
            field = getattr(form, exc.field, None) if exc.field else None
            (field.errors if field is not None else form.form_errors).append(exc.message)
        else:
            db.commit()
            flash(done, "success")
            return redirect(context["back"])
    status = 400 if form.errors or form.form_errors else 200
    return render_template(template, form=form, **context), status


def _back(family: str, subject_id: int) -> str:
    return subjects.url_for_subject(family, subject_id) or url_for("work.todo")


@bp.route("/<family>/<int:subject_id>/extension", methods=["GET", "POST"])
@login_required
def extension(family: str, subject_id: int):
    adapter, subject = visible_subject(family, subject_id)
    form = ExtensionForm()
    now = datetime.now(UTC)
    return _run_form(
        form, "deadlines/extension.html",
        lambda db: clock.request_extension(db, actor=actor(), now=now, family=family, subject_id=subject_id,
                                           new_date=form.new_date.data, reason=form.reason.data),
        "延期申请已提交，等待审批", subject=subject, adapter=adapter, back=_back(family, subject_id))


@bp.route("/extensions")
@login_required
def extensions():
    db = session()
    me = actor()
    groups = [g for g, roles in clock.APPROVER_ROLES.items() if me.has(*roles)]
    query = select(ExtensionRequest).order_by(ExtensionRequest.status != "pending", ExtensionRequest.id.desc())
    if groups:
        query = query.where(ExtensionRequest.approver_group.in_(groups))
    elif me.has(*SQUAD_ROLES):
        query = query.where(ExtensionRequest.squad_id == me.squad_id)
    else:
        raise PermissionDenied("无权查看延期申请")
    rows = list(db.scalars(query.limit(200)))
    return _extensions_page(rows, {r.id: DecisionForm(prefix=f"r{r.id}") for r in rows if r.status == "pending"})


def _extensions_page(rows, forms, status: int = 200):
    db = session()
    names = subjects.labels(db, [(r.family, r.subject_id) for r in rows])
    links = {(r.family, r.subject_id): subjects.url_for_subject(r.family, r.subject_id) for r in rows}
    me = actor()
    can_decide = {r.id for r in rows if me.has(*clock.APPROVER_ROLES[r.approver_group])}
    return render_template("deadlines/extensions.html", rows=rows, forms=forms, names=names, links=links,
                           can_decide=can_decide, approvers=clock.APPROVER_LABELS), status


@bp.route("/extensions/<int:request_id>/decide", methods=["POST"])
@login_required
def decide(request_id: int):
    db = session()
    req = db.get(ExtensionRequest, request_id)
    if req is None or not actor().has(*clock.APPROVER_ROLES[req.approver_group]):
        raise NotFound("延期申请不存在")  # scope before validation: a refused form never shows another's request
    form = DecisionForm(prefix=f"r{req.id}")
    if form.validate_on_submit():
        try:
            clock.decide_extension(db, actor=actor(), now=datetime.now(UTC), request_id=req.id,
                                   approve=form.decision.data == "approve", opinion=form.opinion.data or "")
        except InvalidInput as exc:
            db.rollback()
            form.opinion.errors.append(exc.message)
        else:
            db.commit()
            flash("已审批延期申请", "success")
            return redirect(url_for("deadlines.extensions"))
    return _extensions_page([db.get(ExtensionRequest, request_id)], {req.id: form}, 400)


@bp.route("/<family>/<int:subject_id>/suspend", methods=["GET", "POST"])
@login_required
def suspend(family: str, subject_id: int):
    adapter, subject = visible_subject(family, subject_id)
    form = SuspendForm()
    now = datetime.now(UTC)
    return _run_form(form, "deadlines/suspend.html",
                     lambda db: clock.suspend(db, actor=actor(), now=now, family=family, subject_id=subject_id,
                                              reason=form.reason.data),
                     "已挂起，暂停计时", subject=subject, adapter=adapter, back=_back(family, subject_id),
                     resume=False)


@bp.route("/<family>/<int:subject_id>/resume", methods=["GET", "POST"])
@login_required
def resume(family: str, subject_id: int):
    adapter, subject = visible_subject(family, subject_id)
    form = ResumeForm()
    now = datetime.now(UTC)
    return _run_form(form, "deadlines/suspend.html",
                     lambda db: clock.resume(db, actor=actor(), now=now, family=family, subject_id=subject_id,
                                             note=form.note.data or ""),
                     "已恢复计时", subject=subject, adapter=adapter, back=_back(family, subject_id), resume=True)


@bp.route("/<family>/<int:subject_id>/urge/<task_uuid>", methods=["GET", "POST"])
@login_required
def urge_step(family: str, subject_id: int, task_uuid: str):
    adapter, subject = visible_subject(family, subject_id)
    work = session().scalar(select(WorkItem).where(WorkItem.task_uuid == task_uuid))
    form = UrgeForm()
    now = datetime.now(UTC)
    return _run_form(form, "deadlines/urge.html",
                     lambda db: urge.urge(db, actor=actor(), now=now, family=family, subject_id=subject_id,
                                          task_uuid=task_uuid, message=form.message.data),
                     "已催办", subject=subject, adapter=adapter, work=work, back=_back(family, subject_id))


from webapp.deadlines import board  # noqa: E402,F401 - registers the board routes on bp
