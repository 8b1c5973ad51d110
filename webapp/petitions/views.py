"""信访件: list with repeat chains and filters, register, petition page and the current step's form."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import login_required
from sqlalchemy import func, or_, select

from models.attachments import Attachment
from models.org import Role, Squad, User
from models.petitions import (
    CHANNELS,
    FAMILY_PETITION,
    SATISFACTION,
    Callback,
    MisconductFinding,
    Petition,
    RepeatCandidate,
    SpotCheck,
)
from webapp import subjects
from webapp.attachments.views import VISIBILITY
from webapp.db import session
from webapp.extensions import actor
from webapp.paging import paginate
from webapp.petitions import forms
from webapp.petitions.common import LOCAL, bp, formdata, limits, save_uploads, uploads
from workflows import audit
from workflows.access import can_act
from workflows.errors import InvalidInput
from workflows.petitions import access, intake, months, process


def streets(db) -> list[str]:
    return list(db.scalars(select(Squad.street).order_by(Squad.id)))


def _load_labels(db, ids: set[int]) -> dict[int, tuple[str, str]]:
    rows = db.scalars(select(Petition).where(Petition.id.in_(ids))).all()
    sizes = chain_sizes(db, rows)
    return {p.id: (p.number, process.work_title(p, sizes.get(p.chain_id, 1) > 1)) for p in rows}


subjects.register(FAMILY_PETITION, "信访件", "petitions.show", "petition_id", _load_labels)
VISIBILITY[FAMILY_PETITION] = access.get_visible


def repeat_chains():
    return select(Petition.chain_id).group_by(Petition.chain_id).having(func.count() > 1)


def _filtered(query, args):
    for key, column in (("squad", Petition.squad_id), ("street", Petition.street), ("channel", Petition.channel),
                        ("satisfaction", Petition.satisfaction), ("status", Petition.status)):
        value = (args.get(key) or "").strip()
        if value:
            if key == "squad":
                value = args.get("squad", type=int)  # "²" is a digit to isdigit() but not to int()
            query = query.where(column == value)
    if (args.get("category") or "").strip():
        query = query.where(Petition.category.like(f"%{args['category'].strip()[:30]}%"))
    if months.MONTH.match(args.get("month") or ""):
        start, end = months.bounds(args["month"])
        query = query.where(Petition.received_at >= start, Petition.received_at < end)
    if args.get("repeat") in ("yes", "no"):
        inside = Petition.chain_id.in_(repeat_chains())
        query = query.where(inside if args["repeat"] == "yes" else ~inside)
    q = (args.get("q") or "").strip()[:50]
    if q:
        like = f"%{q}%"
        query = query.where(or_(Petition.number.like(like), Petition.address.like(like),
                                Petition.content.like(like), Petition.external_ref.like(like)))
    return query


def chain_sizes(db, petitions) -> dict[int, int]:
    ids = {p.chain_id for p in petitions}
    if not ids:
        return {}
    rows = db.execute(select(Petition.chain_id, func.count()).where(Petition.chain_id.in_(ids))
                      .group_by(Petition.chain_id))
    return dict(rows.all())


@bp.route("")
@login_required
def index():
    db = session()
    query = _filtered(access.petition_scope(actor(), select(Petition)), request.args)
    found = paginate(db, query, Petition.received_at.desc(), unique=Petition.id.desc())
    rows = found.rows
    squads = list(db.scalars(select(Squad).order_by(Squad.id)))
    return render_template("petitions/index.html", petitions=rows, total=found.total, page=found.page,
                           squads=squads, pages=found.pages, chains=chain_sizes(db, rows),
                           channels=CHANNELS, satisfaction=SATISFACTION, streets=streets(db),
                           masked=lambda p: access.petitioner(p, full=False))


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    if not actor().has(Role.COORDINATOR):
        abort(403, "只有协调科可以登记信访件")
    form = forms.RegisterForm(formdata=formdata() if request.method == "POST" else None)
    form.street.choices = [("", "请选择")] + [(s, s) for s in streets(session())]
    if request.method == "GET":
        form.received_at.data = datetime.now(LOCAL).replace(second=0, microsecond=0, tzinfo=None)
    if request.method == "POST" and form.validate():
        petition = _register(form)
        if petition is not None:
            return redirect(url_for("petitions.show", petition_id=petition.id))
    return render_template("petitions/new.html", form=form), 400 if form.errors else 200


def _register(form):
    db = session()
    now = datetime.now(UTC)
    data = intake.PetitionInput(
        channel=form.channel.data, address=form.address.data or "", category=form.category.data or "",
        content=form.content.data or "", received_at=form.received_at.data.replace(tzinfo=LOCAL).astimezone(UTC),
        petitioner_name=form.petitioner_name.data or "", petitioner_phone=form.petitioner_phone.data or "",
        petitioner_id_no=form.petitioner_id_no.data or "", street=form.street.data or "",
        external_ref=form.external_ref.data or "")
    try:
        files = uploads(form.files)
        petition = intake.register(db, actor=actor(), now=now, data=data, limits=limits())
        save_uploads(db, actor=actor(), now=now, subject_id=petition.id, step=None, files=files)
    except InvalidInput as exc:
        db.rollback()
        getattr(form, exc.field or "content", form.content).errors.append(exc.message)
        return None
    db.commit()
    flash(f"已登记信访件 {petition.number}", "success")
    return petition


def step_form(db, work, petition, data=None):
    form = forms.STEP_FORMS[work.step](formdata=data, prefix=work.step)
    me = actor()
    if work.step == "assign":
        form.squad_id.choices = [(s.id, s.name) for s in db.scalars(select(Squad).order_by(Squad.id))]
        if data is None and petition.squad_id:
            form.squad_id.data = petition.squad_id
    if work.step == "accept":
        members = db.scalars(select(User).where(User.squad_id == petition.squad_id, User.active).order_by(User.name))
        form.handler_id.choices = [(u.id, u.name) for u in members if me.has(Role.SQUAD_LEADER) or u.id == me.id]
        if data is None:
            form.handler_id.data = me.id
    return form


def _side(db, petition):
    scope = access.petition_scope(actor(), select(Petition))
    chain = list(db.scalars(scope.where(Petition.chain_id == petition.chain_id).order_by(Petition.received_at)))
    total = db.scalar(select(func.count()).where(Petition.chain_id == petition.chain_id))
    candidates = list(db.scalars(select(RepeatCandidate).where(RepeatCandidate.petition_id == petition.id)
                                 .order_by(RepeatCandidate.score.desc())))

    def rows(model, order):
        return list(db.scalars(select(model).where(model.petition_id == petition.id).order_by(order)))

    return {"chain": chain, "chain_total": total, "candidates": candidates,
            "callbacks": rows(Callback, Callback.id), "spot_checks": rows(SpotCheck, SpotCheck.id),
            "findings": rows(MisconductFinding, MisconductFinding.id)}


def render_petition(petition, failed_work=None, failed_form=None, status=200, extra_forms=None):
    db = session()
    me = actor()
    work = process.open_work(db, petition)
    step_forms = {w.id: failed_form if failed_work is w else step_form(db, w, petition)
                  for w in work if can_act(me, w)}
    files = list(db.scalars(select(Attachment).where(Attachment.family == FAMILY_PETITION,
                                                       Attachment.subject_id == petition.id).order_by(Attachment.id)))
    other = {"extend": forms.ExtendForm(prefix="extend"), "spot": forms.SpotCheckForm(prefix="spot"),
             "finding": forms.FindingForm(prefix="finding"), **(extra_forms or {})}
    return render_template("petitions/show.html", p=petition, open_work=work, forms=step_forms, files=files,
                           entries=audit.timeline(db, FAMILY_PETITION, petition.id), other=other,
                           person=access.petitioner(petition, access.can_see_petitioner(me, petition)),
                           referral_enabled="referrals.new" in current_app.view_functions,
                           **_side(db, petition)), status


@bp.route("/<int:petition_id>")
@login_required
def show(petition_id: int):
    return render_petition(access.get_visible(session(), actor(), petition_id))


@bp.route("/<int:petition_id>/steps/<task_uuid>", methods=["POST"])
@login_required
def complete(petition_id: int, task_uuid: str):
    db, me, now = session(), actor(), datetime.now(UTC)
    petition = access.get_visible(db, me, petition_id)
    work = process.work_for(db, me, petition, task_uuid)
    form = step_form(db, work, petition, data=formdata())
    if not form.validate():
        return render_petition(petition, work, form, 400)
    step_name = work.step_name
    try:
        files = uploads(form.files)
        values = {k: v for k, v in form.data.items() if k not in ("files", "csrf_token")}
        process.complete_step(db, actor=me, now=now, petition=petition, task_uuid=task_uuid, values=values,
                              limits=limits())
        save_uploads(db, actor=me, now=now, subject_id=petition.id, step=work.step, files=files)
    except InvalidInput as exc:
        db.rollback()
        petition = access.get_visible(db, me, petition_id)
        work = process.work_for(db, me, petition, task_uuid)
        getattr(form, exc.field or "files", form.files).errors.append(exc.message)
        return render_petition(petition, work, form, 400)
    db.commit()
    flash(f"“{step_name}”已办理：{petition.current_step_name}", "success")
    return redirect(url_for("petitions.show", petition_id=petition.id))


from webapp.petitions import actions, callback_views, import_views  # noqa: E402,F401  (routes on bp)
