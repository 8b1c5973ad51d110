"""Inspection rounds: the progress list, opening a round, the round page with its step forms, guest invitations."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import login_required
from sqlalchemy import select

from models.inspections import (
    FAMILY_ROUND,
    ROUND_STAGES,
    Finding,
    InspectionRound,
    InspectionTemplate,
    RoundTarget,
)
from models.org import Role, Section, Squad, User, UserRole
from webapp import subjects
from webapp.db import session
from webapp.extensions import actor
from webapp.inspections.common import bp
from webapp.inspections.forms import ROUND_FORMS, GuestForm, OpenRoundForm
from webapp.paging import paginate
from workflows import audit
from workflows.errors import InvalidInput
from workflows.inspections import access, figures, review, rounds
from workflows.tasks import cc
from workflows.tasks.access import visible


@bp.route("")
@login_required
def index():
    db, me = session(), actor()
    query = access.round_scope(me, select(InspectionRound))
    stage = request.args.get("stage")
    if stage in ROUND_STAGES:
        query = query.where(InspectionRound.stage == stage)
    if request.args.get("tier") in ("bureau", "squad"):
        query = query.where(InspectionRound.tier == request.args["tier"])
    found = paginate(db, query, InspectionRound.opened_at.desc(), unique=InspectionRound.id.desc())
    stats = figures.progress(db, [r.id for r in found.rows], datetime.now(UTC))
    return render_template("inspections/index.html", rounds=found.rows, stats=stats, total=found.total,
                           page=found.page, pages=found.pages, stages=ROUND_STAGES, me=me,
                           may_open=access.may_open_bureau_round(me) or access.is_squad_inspector(me))


def _open_form(db, me, formdata=None) -> OpenRoundForm:
    form = OpenRoundForm(formdata=formdata)
    form.template_id.choices = [(t.id, t.name) for t in db.scalars(
        select(InspectionTemplate).where(InspectionTemplate.active.is_(True)).order_by(InspectionTemplate.id))]
    form.owner_section_id.choices = [(s.id, s.name) for s in db.scalars(select(Section).order_by(Section.id))]
    if formdata is None and me.section_id:
        form.owner_section_id.data = me.section_id
    return form


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    db, me = session(), actor()
    squad_round = access.is_squad_inspector(me) and not access.may_open_bureau_round(me)
    if not (squad_round or access.may_open_bureau_round(me)):
        abort(403, "只有责任科室或三级督察员可以开启检查")
    form = _open_form(db, me, request.form if request.method == "POST" else None)
    if request.method == "POST" and form.validate():
        spec = rounds.Opening(template_id=form.template_id.data, title=form.title.data or "",
                              tier="squad" if squad_round else "bureau",
                              owner_section_id=None if squad_round else form.owner_section_id.data,
                              squad_id=me.squad_id if squad_round else None)
        try:
            rnd = rounds.open_round(db, actor=me, now=datetime.now(UTC), spec=spec)
        except InvalidInput as exc:
            db.rollback()
            getattr(form, exc.field or "template_id", form.template_id).errors.append(exc.message)
        else:
            db.commit()
            flash(f"已开启检查轮次 {rnd.number}", "success")
            return redirect(url_for("inspections.show", round_id=rnd.id))
    return render_template("inspections/new.html", form=form, squad_round=squad_round), 400 if form.errors else 200


def _prepare(db, form, work, rnd: InspectionRound, fresh: bool) -> None:
    if work.step == "plan":
        form.squad_ids.choices = [(s.id, s.name) for s in db.scalars(select(Squad).order_by(Squad.id))]
        if fresh:
            form.squad_ids.data, form.sample_size.data = list(rnd.squad_ids), rnd.sample_size or 3
    elif work.step == "assign":
        staff = db.scalars(select(User).join(UserRole, UserRole.user_id == User.id).where(
            User.active.is_(True), UserRole.role.in_([Role.SECTION_OFFICER, Role.COORDINATOR]))
            .distinct().order_by(User.section_id, User.id))
        form.reviewer_ids.choices = [(u.id, f"{u.name}（{u.unit_name}）") for u in staff]
    elif work.step in ("confirm", "confirm_squad"):
        drafts = db.scalars(select(Finding).where(Finding.round_id == rnd.id, Finding.status == "draft")
                            .order_by(Finding.id))
        form.dismissed.choices = [(f.id, f"{f.target.label} · {f.category}：{f.description[:60]}（扣 {f.deduction}）")
                                  for f in drafts]


def render_round(rnd: InspectionRound, failed=None, status: int = 200, new_guest=None):
    db, me = session(), actor()
    findings = list(db.scalars(select(Finding).where(Finding.round_id == rnd.id).order_by(Finding.target_id,
                                                                                       Finding.id)))
    reviewing = rnd.stage == "reviewing"
    assigning = rnd.stage == "assigning" and rnd.tier == "bureau" and not access.is_guest(me)
    return render_template(
        "inspections/show.html", rnd=rnd, findings=findings, reviewers=review.reviewers(db, rnd.id),
        progress=figures.progress(db, [rnd.id], datetime.now(UTC))[rnd.id], me=me, reviewing=reviewing,
        guest_form=GuestForm() if assigning else None, guest=access.is_guest(me), new_guest=new_guest,
        panel=subjects.panel(db, me, FAMILY_ROUND, rnd, failed),
        entries=[] if access.is_guest(me) else audit.timeline(db, FAMILY_ROUND, rnd.id)), status


subjects.register(subjects.Pages(FAMILY_ROUND, "inspections.show", "round_id", ROUND_FORMS, _prepare, render_round))


def visible_round(round_id: int, *, lock: bool = False) -> InspectionRound:
    return visible(session(), actor(), FAMILY_ROUND, round_id, lock=lock)[1]


@bp.route("/<int:round_id>")
@login_required
def show(round_id: int):
    db = session()
    rnd = visible_round(round_id)
    if cc.mark_read(db, user=actor(), family=FAMILY_ROUND, subject_id=rnd.id, now=datetime.now(UTC)):
        db.commit()
    return render_round(rnd)


@bp.route("/<int:round_id>/guests", methods=["POST"])
@login_required
def invite(round_id: int):
    db, me = session(), actor()
    rnd = visible_round(round_id, lock=True)
    if rnd.stage != "assigning" or not access.may_open_bureau_round(me) or access.is_guest(me):
        abort(403, "只有责任科室在分配评查人员阶段可以邀请外部评查人员")
    form = GuestForm(request.form)
    if not form.validate():
        return render_round(rnd, status=400)
    try:
        guest = review.invite_guest(db, actor=me, now=datetime.now(UTC), rnd=rnd, name=form.name.data,
                                    organisation=form.organisation.data)
    except InvalidInput as exc:
        db.rollback()
        flash(exc.message, "error")
        return redirect(url_for("inspections.show", round_id=round_id))
    db.commit()
    return render_round(rnd, new_guest=guest)  # the password is shown once, on this page only


def my_targets(db, me, rnd) -> list[RoundTarget]:
    return [t for t in rnd.targets if t.reviewer_id == me.id]
