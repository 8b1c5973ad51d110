"""The task operations of every family's subject pages: complete a step, hand back a delegated one, 签收 /
取消签收, 转办, 委派 / 收回, 跟进日期, 批注, 抄送 and 撤回. One set of routes for all families."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import flash, redirect, request, url_for
from flask_login import login_required

from models.engine import WorkItem
from webapp import subjects, uploads
from webapp.db import session
from webapp.extensions import actor
from webapp.work.common import bp
from webapp.work.forms import CommentForm, FollowUpForm, PersonForm, cc_form
from workflows.errors import DomainError, InvalidInput, NotFound
from workflows.tasks import cc, claim, complete, notes, transfer, withdraw
from workflows.tasks.access import visible


def _now() -> datetime:
    return datetime.now(UTC)


def _back(family: str | None = None, subject_id: int | None = None):
    target = request.form.get("next") or ""
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    url = subjects.url_for_subject(family, subject_id) if family and subject_id else None
    return redirect(url or url_for("work.todo"))


def _run(action, done: str, family: str | None = None, subject_id: int | None = None):
    """Run a domain action and commit; a refusal is shown as a message, nothing is saved."""
    db = session()
    try:
        action(db)
    except NotFound:
        raise
    except DomainError as exc:
        db.rollback()
        flash(exc.message, "error")
        return _back(family, subject_id)
    db.commit()
    flash(done, "success")
    return _back(family, subject_id)


def _work(work_id: int) -> WorkItem:
    work = session().get(WorkItem, work_id)
    if work is None:
        raise NotFound("该环节已办理完毕或已撤销，请刷新页面")
    visible(session(), actor(), work.family, work.subject_id)
    return work


def _first_error(form) -> str:
    return next((f"{form[name].label.text}：{errors[0]}" for name, errors in form.errors.items() if errors),
                "请检查填写的内容")


def _with_form(form, action, done: str, work: WorkItem):
    if not form.validate():
        flash(_first_error(form), "error")
        return _back(work.family, work.subject_id)
    return _run(action, done, work.family, work.subject_id)


@bp.route("/s/<family>/<int:subject_id>")
@login_required
def subject(family: str, subject_id: int):
    visible(session(), actor(), family, subject_id)
    return redirect(subjects.url_for_subject(family, subject_id))


def _step_submission(family: str, subject_id: int, task_uuid: str):
    db, me = session(), actor()
    _, found = visible(db, me, family, subject_id)
    work = complete.work_for(db, me, family, found.id, task_uuid)
    return db, me, found, work, subjects.step_form(db, work, found, uploads.formdata())


def _refused(family, subject_id, task_uuid, form, exc: InvalidInput):
    db, me = session(), actor()
    db.rollback()
    _, found = visible(db, me, family, subject_id)
    work = complete.work_for(db, me, family, found.id, task_uuid)
    target = getattr(form, exc.field or "files", None) or form.files
    target.errors.append(exc.message)
    return subjects.render(family, found, (work, form), 400)


@bp.route("/s/<family>/<int:subject_id>/steps/<task_uuid>", methods=["POST"])
@login_required
def complete_step(family: str, subject_id: int, task_uuid: str):
    db, me, found, work, form = _step_submission(family, subject_id, task_uuid)
    if not form.validate():
        return subjects.render(family, found, (work, form), 400)
    now, step_name = _now(), work.step_name
    try:
        files = uploads.collect(form.files)
        complete.complete(db, actor=me, now=now, family=family, subject_id=found.id, task_uuid=task_uuid,
                          values=uploads.step_values(form))
        uploads.save_all(db, actor=me, now=now, family=family, subject_id=found.id, step=work.step, uploads=files)
    except InvalidInput as exc:
        return _refused(family, subject_id, task_uuid, form, exc)
    db.commit()
    flash(f"“{step_name}”已办理：{found.current_step_name}" if found.status != "closed" else f"{found.number} 已办结",
          "success")
    return redirect(subjects.url_for_subject(family, found.id))


@bp.route("/s/<family>/<int:subject_id>/steps/<task_uuid>/resolve", methods=["POST"])
@login_required
def resolve(family: str, subject_id: int, task_uuid: str):
    """The delegate hands back a delegated step: what they filled in becomes the owner's draft."""
    db, me, found, work, form = _step_submission(family, subject_id, task_uuid)
    if not form.validate():
        return subjects.render(family, found, (work, form), 400)
    now = _now()
    try:
        files = uploads.collect(form.files)
        transfer.resolve(db, actor=me, now=now, work_id=work.id, draft=subjects.raw_values(form),
                         note=request.form.get("delegate_note", ""))
        uploads.save_all(db, actor=me, now=now, family=family, subject_id=found.id, step=work.step, uploads=files)
    except InvalidInput as exc:
        return _refused(family, subject_id, task_uuid, form, exc)
    db.commit()
    flash(f"已完成委派办理“{work.step_name}”，交回委派人确认", "success")
    return redirect(subjects.url_for_subject(family, found.id))


@bp.route("/work/<int:work_id>/claim", methods=["POST"])
@login_required
def claim_step(work_id: int):
    work = _work(work_id)
    return _run(lambda db: claim.claim(db, actor=actor(), now=_now(), work_id=work.id),
                f"已签收“{work.step_name}”", work.family, work.subject_id)


@bp.route("/work/<int:work_id>/unclaim", methods=["POST"])
@login_required
def unclaim_step(work_id: int):
    work = _work(work_id)
    return _run(lambda db: claim.unclaim(db, actor=actor(), now=_now(), work_id=work.id),
                f"已取消签收“{work.step_name}”，退回本单位待签收", work.family, work.subject_id)


def _person_form(work: WorkItem) -> PersonForm:
    form = PersonForm()
    form.user_id.choices = [(u.id, u.name) for u in claim.unit_members(session(), work)]
    return form


@bp.route("/work/<int:work_id>/transfer", methods=["POST"])
@login_required
def transfer_step(work_id: int):
    work = _work(work_id)
    form = _person_form(work)
    return _with_form(form, lambda db: transfer.transfer(db, actor=actor(), now=_now(), work_id=work.id,
                                                         to_user_id=form.user_id.data, note=form.note.data or ""),
                      f"已转办“{work.step_name}”", work)


@bp.route("/work/<int:work_id>/delegate", methods=["POST"])
@login_required
def delegate_step(work_id: int):
    work = _work(work_id)
    form = _person_form(work)
    return _with_form(form, lambda db: transfer.delegate(db, actor=actor(), now=_now(), work_id=work.id,
                                                         to_user_id=form.user_id.data, note=form.note.data or ""),
                      f"已委派“{work.step_name}”", work)


@bp.route("/work/<int:work_id>/recall", methods=["POST"])
@login_required
def recall_step(work_id: int):
    work = _work(work_id)
    return _run(lambda db: transfer.recall(db, actor=actor(), now=_now(), work_id=work.id),
                f"已收回委派“{work.step_name}”", work.family, work.subject_id)


@bp.route("/work/<int:work_id>/follow-up", methods=["POST"])
@login_required
def follow_up(work_id: int):
    work = _work(work_id)
    form = FollowUpForm()
    return _with_form(form, lambda db: notes.set_follow_up(db, actor=actor(), now=_now(), work_id=work.id,
                                                           on=form.on.data, note=form.note.data or ""),
                      "已设置跟进日期，到期时该环节将排在待办前列并提醒您", work)


@bp.route("/work/<int:work_id>/follow-up/clear", methods=["POST"])
@login_required
def clear_follow_up(work_id: int):
    work = _work(work_id)
    return _run(lambda db: notes.clear_follow_up(db, actor=actor(), now=_now(), work_id=work.id), "已取消跟进日期",
                work.family, work.subject_id)


@bp.route("/s/<family>/<int:subject_id>/comment", methods=["POST"])
@login_required
def comment(family: str, subject_id: int):
    visible(session(), actor(), family, subject_id)  # scope before validation: out of scope is a 404 like unknown
    form = CommentForm()
    if not form.validate():
        flash(_first_error(form), "error")
        return _back(family, subject_id)
    return _run(lambda db: notes.comment(db, actor=actor(), now=_now(), family=family, subject_id=subject_id,
                                         text=form.text.data, task_uuid=form.task_uuid.data or None),
                "已添加批注", family, subject_id)


@bp.route("/s/<family>/<int:subject_id>/cc", methods=["POST"])
@login_required
def cc_subject(family: str, subject_id: int):
    visible(session(), actor(), family, subject_id)
    form = cc_form(session(), request.form)
    if not form.validate():
        flash(_first_error(form), "error")
        return _back(family, subject_id)
    return _run(lambda db: cc.cc(db, actor=actor(), now=_now(), family=family, subject_id=subject_id,
                                 user_ids=form.user_ids.data, squad_ids=form.squad_ids.data,
                                 section_ids=form.section_ids.data, note=form.note.data or ""),
                "已抄送", family, subject_id)


@bp.route("/s/<family>/<int:subject_id>/withdraw", methods=["POST"])
@login_required
def withdraw_step(family: str, subject_id: int):
    return _run(lambda db: withdraw.withdraw(db, actor=actor(), now=_now(), family=family, subject_id=subject_id),
                "已撤回，该环节重新由您办理", family, subject_id)
