"""信访件: list with repeat chains and filters, register, petition page and the current step's form."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import login_required
from sqlalchemy import func, or_, select

from models.org import Role, Squad
from models.petitions import (
    CHANNELS,
    FAMILY_PETITION,
    SATISFACTION,
    Petition,
)
from webapp.db import session
from webapp.extensions import actor
from webapp.paging import paginate
from webapp.petitions import forms
from webapp.petitions.common import LOCAL, bp, formdata, limits, save_uploads, uploads
from webapp.petitions.page import chain_sizes, render_petition
from workflows.errors import InvalidInput
from workflows.petitions import access, intake, months, normalize
from workflows.tasks import cc
from workflows.tasks.access import visible


def streets(db) -> list[str]:
    return list(db.scalars(select(Squad.street).order_by(Squad.id)))


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
        keys = [Petition.number.like(like), Petition.address.like(like), Petition.content.like(like),
                Petition.external_ref.like(like)]
        # A whole phone or ID number finds its petitions through the blind index (the values are encrypted).
        keys += [Petition.phone_index.in_(found) for found in [normalize.phone_indexes(q)] if found]
        keys += [Petition.id_index.in_(found) for found in [normalize.id_indexes(q)] if found]
        query = query.where(or_(*keys))
    return query


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


@bp.route("/<int:petition_id>")
@login_required
def show(petition_id: int):
    db = session()
    _, petition = visible(db, actor(), FAMILY_PETITION, petition_id)
    if cc.mark_read(db, user=actor(), family=FAMILY_PETITION, subject_id=petition.id, now=datetime.now(UTC)):
        db.commit()
    return render_petition(petition)


from webapp.petitions import actions, callback_views, import_views  # noqa: E402,F401  (routes on bp)
