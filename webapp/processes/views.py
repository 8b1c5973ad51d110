"""Process diagrams: each subject's diagram (its path and open steps) and the process catalogue (流程目录) for
coordinators and administrators: every process, its versions, a heat map of open steps, the subjects at a step."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Response, abort, jsonify, render_template, request, url_for
from flask_login import login_required
from sqlalchemy import select

from models.engine import ProcessInstance, ProcessVersion, WorkItem
from webapp import subjects
from webapp.db import session
from webapp.extensions import actor
from webapp.paging import paginate
from webapp.processes.common import bp, catalogue_reader, process_names, versions_by_process
from workflows import diagrams, engine
from workflows.errors import NotFound
from workflows.tasks.access import visible


@bp.route("/versions/<int:version_id>.bpmn")
@login_required
def version_xml(version_id: int):
    """A deployed version's BPMN (the models are the bureau's procedure, not case data)."""
    xml = session().scalar(select(ProcessVersion.bpmn_xml).where(ProcessVersion.id == version_id))
    if xml is None:
        abort(404)
    return Response(xml, mimetype="application/xml", headers={"Cache-Control": "private, max-age=86400"})


@bp.route("/subject/<family>/<int:subject_id>.json")
@login_required
def subject_marks(family: str, subject_id: int):
    db = session()
    _, subject = visible(db, actor(), family, subject_id)
    if not getattr(subject, "instance_id", None):
        raise NotFound("该事项没有流程")
    marks = diagrams.subject_marks(db, family, subject, datetime.now(UTC))
    marks["xml_url"] = url_for("processes.version_xml", version_id=marks["version_id"])
    return jsonify(marks)


@bp.route("/")
@login_required
def index():
    catalogue_reader()
    db = session()
    versions = versions_by_process(db)
    names = process_names()
    pids = sorted(set(names) | set(versions))
    return render_template("processes/index.html", pids=pids, names=names, versions=versions)


@bp.route("/<process_id>")
@login_required
def show(process_id: str):
    catalogue_reader()
    db = session()
    rows = versions_by_process(db).get(process_id)
    if not rows:
        abort(404)
    chosen = request.args.get("version", type=int)
    version = next((r for r in rows if r["id"] == chosen), None) or next(
        (r for r in rows if r["current"]), rows[-1])
    counts = diagrams.heat(db, version["id"])
    steps = engine.processes().get(process_id)
    names = steps.step_names if steps else {}
    return render_template("processes/show.html", process_id=process_id, name=process_names().get(process_id, ""),
                           rows=rows, version=version, step_counts=counts, step_names=names)


@bp.route("/<process_id>/heat/<int:version_id>.json")
@login_required
def heat(process_id: str, version_id: int):
    catalogue_reader()
    return jsonify({"counts": diagrams.heat(session(), version_id),
                    "xml_url": url_for("processes.version_xml", version_id=version_id),
                    "step_url": url_for("processes.at_step", process_id=process_id, version_id=version_id,
                                        step="__STEP__")})


@bp.route("/<process_id>/versions/<int:version_id>/steps/<step>")
@login_required
def at_step(process_id: str, version_id: int, step: str):
    """The open subjects sitting at one step of one version (clicked on the heat map)."""
    catalogue_reader()
    db = session()
    version = db.get(ProcessVersion, version_id)
    if version is None or version.process_id != process_id:
        abort(404)
    query = (select(WorkItem).join(ProcessInstance, ProcessInstance.id == WorkItem.instance_id)
             .where(ProcessInstance.version_id == version_id, WorkItem.step == step[:64]))
    page = paginate(db, query, WorkItem.due_at.is_(None), WorkItem.due_at, unique=WorkItem.id)
    return render_template("processes/at_step.html", process_id=process_id, version=version, step=step[:64],
                           page=page, url_for_subject=subjects.url_for_subject, now=datetime.now(UTC),
                           name=process_names().get(process_id, ""))
