"""台账导入: upload a ledger, follow its progress (each visit takes the next chunk and commits), see the
row-by-row report; download a sample ledger."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import abort, current_app, redirect, render_template, request, send_file, url_for
from flask_login import login_required
from sqlalchemy import select

from models.org import Role
from models.petitions import ImportJob, ImportRow
from webapp.db import session
from webapp.extensions import actor
from webapp.petitions import forms
from webapp.petitions.common import bp, limits
from workflows.errors import InvalidInput
from workflows.petitions import ledger

OUTCOMES = {"created": "已登记", "duplicate": "重复（未再登记）", "refused": "拒收"}


def _coordinator():
    if not actor().has(Role.COORDINATOR):
        abort(403, "只有协调科可以导入台账")


@bp.route("/imports/template.xlsx")
@login_required
def import_template():
    import io

    return send_file(io.BytesIO(ledger.template()), as_attachment=True, download_name="信访台账模板.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@bp.route("/imports/demo-ledger.xlsx")
@login_required
def import_demo_ledger():
    import io

    from webapp.demo_petitions import sample_ledger

    _coordinator()
    data = sample_ledger(session(), datetime.now(UTC))
    return send_file(io.BytesIO(data), as_attachment=True, download_name="演示信访台账.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@bp.route("/imports", methods=["GET", "POST"])
@login_required
def imports():
    _coordinator()
    db = session()
    form = forms.ImportForm()
    if request.method == "POST" and form.validate():
        storage = request.files.get("file")
        try:
            if storage is None or not storage.filename:
                raise InvalidInput("请选择台账文件", "file")
            job = ledger.start_job(db, actor=actor(), now=datetime.now(UTC), filename=storage.filename,
                                   data=storage.read())
        except InvalidInput as exc:
            db.rollback()
            form.file.errors.append(exc.message)
        else:
            db.commit()
            return redirect(url_for("petitions.import_job", job_id=job.id))
    jobs = list(db.scalars(select(ImportJob).order_by(ImportJob.id.desc()).limit(20)))
    status = 400 if form.errors else 200
    return render_template("petitions/imports.html", form=form, jobs=jobs), status


@bp.route("/imports/<int:job_id>")
@login_required
def import_job(job_id: int):
    _coordinator()
    db = session()
    job = db.get(ImportJob, job_id)
    if job is None:
        abort(404)
    if job.status == "running":
        size = int(current_app.config.get("PETITION_IMPORT_CHUNK", ledger.CHUNK))
        job = ledger.process_chunk(db, actor=actor(), now=datetime.now(UTC), job_id=job.id, size=size,
                                   limits=limits())
        db.commit()
    shown = request.args.get("show", "all")
    query = select(ImportRow).where(ImportRow.job_id == job.id).order_by(ImportRow.row_number)
    if shown == "problems":
        query = query.where(ImportRow.outcome != "created")
    rows = list(db.scalars(query.limit(2000)))
    return render_template("petitions/import_job.html", job=job, rows=rows, outcomes=OUTCOMES, shown=shown)
