"""时限 for every family: 延期申请 and 挂起申请 with their decisions, 恢复计时, 催办, the clock panel on subject
pages; 督办单 pages are in `orders`, the monitoring board in `board`."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import flash, redirect, render_template, url_for
from flask_login import login_required
from sqlalchemy import select

from models.deadlines import ClockRequest
from models.engine import WorkItem
from webapp import subjects
from webapp.db import session
from webapp.deadlines.common import bp
from webapp.deadlines.forms import DecisionForm, ExtensionForm, ResumeForm, SuspendForm, UrgeForm
from webapp.extensions import actor
from workflows.access import SQUAD_ROLES
from workflows.deadlines import requests
from workflows.errors import InvalidInput, NotFound
from workflows.tasks import urge
from workflows.tasks.access import visible


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


def _context(family: str, subject_id: int) -> dict:
    fam, subject = visible(session(), actor(), family, subject_id)
    return {"fam": fam, "subject": subject, "back": subjects.url_for_subject(family, subject_id)
            or url_for("work.todo")}


@bp.route("/<family>/<int:subject_id>/extension", methods=["GET", "POST"])
@login_required
def extension(family: str, subject_id: int):
    context, form, now = _context(family, subject_id), ExtensionForm(), datetime.now(UTC)
    return _run_form(
        form, "deadlines/extension.html",
        lambda db: requests.request_extension(db, actor=actor(), now=now, family=family, subject_id=subject_id,
                                              new_date=form.new_date.data, reason=form.reason.data),
        "延期申请已提交，等待审批", **context)


@bp.route("/<family>/<int:subject_id>/suspend", methods=["GET", "POST"])
@login_required
def suspend(family: str, subject_id: int):
    context, form, now = _context(family, subject_id), SuspendForm(), datetime.now(UTC)
    approver = requests.is_approver(actor(), context["fam"].approver_group(context["subject"]))
    return _run_form(form, "deadlines/suspend.html",
                     lambda db: requests.request_suspension(db, actor=actor(), now=now, family=family,
                                                            subject_id=subject_id, reason=form.reason.data),
                     "已挂起，暂停计时" if approver else "挂起申请已提交，等待审批", resume=False, approver=approver,
                     **context)


@bp.route("/<family>/<int:subject_id>/resume", methods=["GET", "POST"])
@login_required
def resume(family: str, subject_id: int):
    context, form, now = _context(family, subject_id), ResumeForm(), datetime.now(UTC)
    return _run_form(form, "deadlines/suspend.html",
                     lambda db: requests.resume(db, actor=actor(), now=now, family=family, subject_id=subject_id,
                                                note=form.note.data or ""),
                     "已恢复计时", resume=True, **context)


@bp.route("/<family>/<int:subject_id>/urge/<task_uuid>", methods=["GET", "POST"])
@login_required
def urge_step(family: str, subject_id: int, task_uuid: str):
    context, form, now = _context(family, subject_id), UrgeForm(), datetime.now(UTC)
    work = session().scalar(select(WorkItem).where(WorkItem.task_uuid == task_uuid))
    return _run_form(form, "deadlines/urge.html",
                     lambda db: urge.urge(db, actor=actor(), now=now, family=family, subject_id=subject_id,
                                          task_uuid=task_uuid, message=form.message.data),
                     "已催办", work=work, **context)


def _visible_requests():
    me = actor()
    groups = [g for g, roles in requests.APPROVER_ROLES.items() if me.has(*roles)]
    query = select(ClockRequest).order_by(ClockRequest.status != "pending", ClockRequest.id.desc())
    if groups:
        return query.where(ClockRequest.approver_group.in_(groups))
    if me.has(*SQUAD_ROLES):
        return query.where(ClockRequest.squad_id == me.squad_id)
    raise NotFound("页面或记录不存在")


@bp.route("/extensions")
@login_required
def extensions():
    rows = list(session().scalars(_visible_requests().limit(200)))
    return _requests_page(rows, {r.id: DecisionForm(prefix=f"r{r.id}") for r in rows if r.status == "pending"})


def _requests_page(rows, forms, status: int = 200):
    db, me = session(), actor()
    names = subjects.labels(db, [(r.family, r.subject_id) for r in rows])
    links = {(r.family, r.subject_id): subjects.url_for_subject(r.family, r.subject_id) for r in rows}
    can_decide = {r.id for r in rows if requests.is_approver(me, r.approver_group)}
    return render_template("deadlines/extensions.html", rows=rows, forms=forms, names=names, links=links,
                           can_decide=can_decide, approvers=requests.APPROVER_LABELS), status


@bp.route("/extensions/<int:request_id>/decide", methods=["POST"])
@login_required
def decide(request_id: int):
    db = session()
    req = db.get(ClockRequest, request_id)
    if req is None or not requests.is_approver(actor(), req.approver_group):
        raise NotFound("时限申请不存在")  # scope before validation: a refused form never shows another's request
    form = DecisionForm(prefix=f"r{req.id}")
    if form.validate_on_submit():
        try:
            requests.decide(db, actor=actor(), now=datetime.now(UTC), request_id=req.id,
                            approve=form.decision.data == "approve", opinion=form.opinion.data or "")
        except InvalidInput as exc:
            db.rollback()
            form.opinion.errors.append(exc.message)
        else:
            db.commit()
            flash("已审批", "success")
            return redirect(url_for("deadlines.extensions"))
    return _requests_page([db.get(ClockRequest, request_id)], {req.id: form}, 400)

