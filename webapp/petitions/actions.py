"""Actions on a petition page: confirm/reject a repeat, spot check, record a finding."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import abort, flash, make_response, redirect, request, url_for
from flask_login import login_required

from models.petitions import FAMILY_PETITION, RepeatCandidate
from webapp.db import session
from webapp.extensions import actor
from webapp.petitions import forms
from webapp.petitions.common import bp, formdata, save_uploads, uploads
from webapp.petitions.page import render_petition
from workflows.errors import InvalidInput
from workflows.petitions import checks, detection, personal
from workflows.tasks.access import visible


def _visible(petition_id: int):
    return visible(session(), actor(), FAMILY_PETITION, petition_id)[1]


def _back(petition_id: int):
    return redirect(url_for("petitions.show", petition_id=petition_id))


@bp.route("/candidates/<int:candidate_id>/<decision>", methods=["POST"])
@login_required
def decide_candidate(candidate_id: int, decision: str):
    if decision not in ("confirm", "reject"):
        abort(404)
    db = session()
    row = db.get(RepeatCandidate, candidate_id)
    if row is None:
        abort(404)
    _visible(row.petition_id)
    petition_id = row.petition_id
    operation = detection.confirm if decision == "confirm" else detection.reject
    operation(db, actor=actor(), now=datetime.now(UTC), candidate_id=candidate_id)
    db.commit()
    flash("已认定为重复件，并入重复链" if decision == "confirm" else "已排除该疑似重复", "success")
    return _back(petition_id)


@bp.route("/<int:petition_id>/reveal/<field>", methods=["POST"])
@login_required
def reveal(petition_id: int, field: str):
    """Show one masked value in full, once (this answer only; audited with who, what, when and address)."""
    if field not in personal.FIELDS:
        abort(404)
    db = session()
    petition = _visible(petition_id)
    value = personal.reveal(db, actor=actor(), now=datetime.now(UTC), petition_id=petition.id, field=field)
    db.commit()
    resp = make_response(render_petition(petition, revealed={field: value}))
    resp.headers["Cache-Control"] = "no-store"
    return resp


def _failed(petition, key: str, form, exc: InvalidInput | None = None):
    if exc is not None:
        session().rollback()
        petition = _visible(petition.id)
        field = getattr(form, exc.field or "", None)
        if field is not None:
            field.errors.append(exc.message)
        else:
            flash(exc.message, "danger")
    return render_petition(petition, status=400, extra_forms={key: form})


@bp.route("/<int:petition_id>/spot-checks", methods=["POST"])
@login_required
def spot_check(petition_id: int):
    db, me, now = session(), actor(), datetime.now(UTC)
    petition = _visible(petition_id)
    form = forms.SpotCheckForm(formdata=formdata(), prefix="spot")
    if not form.validate():
        return _failed(petition, "spot", form)
    try:
        files = uploads(form.files)
        check = checks.record_spot_check(db, actor=me, now=now, petition=petition, checked_on=form.checked_on.data,
                                         result=form.result.data, findings=form.findings.data or "")
        save_uploads(db, actor=me, now=now, subject_id=petition.id, step="spot_check", files=files)
    except InvalidInput as exc:
        return _failed(petition, "spot", form, exc)
    db.commit()
    flash(f"已记录抽查（{checks.RESULTS[check.result]}）", "success")
    return _back(petition_id)


@bp.route("/<int:petition_id>/findings", methods=["POST"])
@login_required
def finding(petition_id: int):
    db, me = session(), actor()
    petition = _visible(petition_id)
    form = forms.FindingForm(prefix="finding")
    if not form.validate():
        return _failed(petition, "finding", form)
    try:
        checks.record_finding(db, actor=me, now=datetime.now(UTC), petition=petition, source=form.source.data,
                              source_id=request.form.get("source_id", type=int),
                              classification=form.classification.data, description=form.description.data or "")
    except InvalidInput as exc:
        return _failed(petition, "finding", form, exc)
    db.commit()
    flash("已记录问题线索", "success")
    return _back(petition_id)
