"""重大案件督办: list, open, case page, records, step forms; the letter and the monthly figures in reports.py."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import login_required
from sqlalchemy import select

from models.attachments import Attachment
from models.cases import FAMILY_MAJOR_CASE, FORM_LABELS, STAGE_LABELS, MajorCase, SupervisionForm, SupervisionLetter
from models.cases import SupervisionRecord as Record
from models.org import Squad, User
from webapp import subjects, uploads
from webapp.cases.common import LOCAL, bp
from webapp.cases.forms import STEP_FORMS, OpenForm, RecordForm
from webapp.db import session
from webapp.extensions import actor
from webapp.paging import paginate
from workflows import audit
from workflows.cases import operations
from workflows.cases.access import can_supervise, case_scope
from workflows.errors import InvalidInput
from workflows.tasks import cc
from workflows.tasks.access import visible


def _filtered(query, args):
    if args.get("form") in set(SupervisionForm):
        query = query.where(MajorCase.forms.like(f"%{args['form']}%"))
    if args.get("squad", type=int):
        query = query.where(MajorCase.squad_id == args.get("squad", type=int))
    status = args.get("status", "open")
    if status in ("open", "closed"):
        query = query.where(MajorCase.status == status)
    return query


def _matrix(db, me) -> dict:
    """Open supervisions by form and squad."""
    rows = db.execute(case_scope(me, select(MajorCase.forms, MajorCase.squad_id))
                      .where(MajorCase.status == "open")).all()
    counts: dict = {}
    for forms, squad_id in rows:
        for form in forms.split(","):
            counts[(form, squad_id)] = counts.get((form, squad_id), 0) + 1
            counts[(form, None)] = counts.get((form, None), 0) + 1
    return counts


@bp.route("")
@login_required
def index():
    db, me = session(), actor()
    query = _filtered(case_scope(me, select(MajorCase)), request.args)
    found = paginate(db, query, MajorCase.registered_at.desc(), unique=MajorCase.id.desc())
    squads = list(db.scalars(select(Squad).order_by(Squad.id)))
    return render_template("cases/index.html", cases=found.rows, total=found.total, page=found.page, squads=squads,
                           pages=found.pages, forms=FORM_LABELS, matrix=_matrix(db, me))


def _open_form(db, formdata=None) -> OpenForm:
    form = OpenForm(formdata=formdata)
    form.squad_id.choices = [(s.id, s.name) for s in db.scalars(select(Squad).order_by(Squad.id))]
    members = db.scalars(select(User).where(User.squad_id.is_not(None), User.active).order_by(User.squad_id))
    form.handler_id.choices = [(0, "—")] + [(u.id, f"{u.squad.name} {u.name}") for u in members]
    return form


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    if not can_supervise(actor()):
        abort(403, "只有协调科可以发起重大案件督办")
    db = session()
    form = _open_form(db, request.form if request.method == "POST" else None)
    if request.method == "POST" and form.validate():
        spec = operations.Opening(
            title=form.title.data, violation=form.violation.data, squad_id=form.squad_id.data, forms=form.forms.data,
            case_number=form.case_number.data or "", parties=form.parties.data or "", stage=form.stage.data or "",
            social_impact=form.social_impact.data, handler_id=form.handler_id.data or None,
            matters=form.matters.data or "",
        )
        try:
            case = operations.open_case(db, actor=actor(), now=datetime.now(UTC), spec=spec)
        except InvalidInput as exc:
            db.rollback()
            getattr(form, exc.field or "title").errors.append(exc.message)
        else:
            db.commit()
            flash(f"已发起督办 {case.number}", "success")
            return redirect(url_for("cases.show", case_id=case.id))
    return render_template("cases/new.html", form=form), 400 if form.errors else 200


def _record_form(case, formdata=None) -> RecordForm:
    form = RecordForm(formdata=formdata, prefix="record")
    form.form.choices = [(f.value, f.label) for f in case.form_list if f != SupervisionForm.LETTER]
    return form


def render_case(case, failed=None, status=200, record_form=None):
    """The case page; `failed` is (work, form) of a step form that did not validate."""
    db, me = session(), actor()
    files = list(db.scalars(select(Attachment).where(Attachment.family == FAMILY_MAJOR_CASE,
                                                     Attachment.subject_id == case.id).order_by(Attachment.id)))
    records = list(db.scalars(select(Record).where(Record.case_id == case.id).order_by(Record.held_at)))
    letters = list(db.scalars(select(SupervisionLetter).where(SupervisionLetter.case_id == case.id)
                              .order_by(SupervisionLetter.id)))
    record_form = record_form or (_record_form(case) if can_supervise(me) and case.status == "open" else None)
    return render_template("cases/show.html", case=case, files=files, records=records, letters=letters,
                           points=operations.points(db, case), panel=subjects.panel(db, me, FAMILY_MAJOR_CASE, case,
                                                                                    failed),
                           entries=audit.timeline(db, FAMILY_MAJOR_CASE, case.id), record_form=record_form,
                           stage_labels=STAGE_LABELS), status


subjects.register(subjects.Pages(FAMILY_MAJOR_CASE, "cases.show", "case_id", STEP_FORMS, None, render_case,
                                 "cases/_step_fields.html"))


def _visible(case_id: int):
    return visible(session(), actor(), FAMILY_MAJOR_CASE, case_id)[1]


@bp.route("/<int:case_id>")
@login_required
def show(case_id: int):
    db = session()
    case = _visible(case_id)
    if cc.mark_read(db, user=actor(), family=FAMILY_MAJOR_CASE, subject_id=case.id, now=datetime.now(UTC)):
        db.commit()
    return render_case(case)


def _save_files(db, me, now, case, step, files) -> None:
    uploads.save_all(db, actor=me, now=now, family=FAMILY_MAJOR_CASE, subject_id=case.id, step=step, uploads=files)


@bp.route("/<int:case_id>/records", methods=["POST"])
@login_required
def add_record(case_id: int):
    db, me = session(), actor()
    case = _visible(case_id)
    if not can_supervise(me):
        abort(403, "只有协调科可以登记督办记录")
    form = _record_form(case, uploads.formdata())
    if not form.validate():
        return render_case(case, status=400, record_form=form)
    now = datetime.now(UTC)
    try:
        files = uploads.collect(form.files)
        rec = operations.RecordInput(form=form.form.data, held_at=form.held_at.data.replace(tzinfo=LOCAL),
                                     people=form.people.data, content=form.content.data,
                                     decisions=form.decisions.data or "")
        row = operations.add_record(db, actor=me, now=now, case=case, rec=rec)
        _save_files(db, me, now, case, f"record-{row.id}", files)
    except InvalidInput as exc:
        db.rollback()
        getattr(form, exc.field or "files", form.files).errors.append(exc.message)
        return render_case(_visible(case_id), status=400, record_form=form)
    db.commit()
    flash(f"已登记{row.form_label}记录", "success")
    return redirect(url_for("cases.show", case_id=case.id))
