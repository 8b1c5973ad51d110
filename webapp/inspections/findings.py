"""Findings (整改): the list in scope and the finding page with its rectification steps and referral panel."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import render_template, request
from flask_login import login_required
from sqlalchemy import select

from models.attachments import Attachment
from models.inspections import FAMILY_FINDING, FINDING_STATUSES, Finding
from models.org import Squad
from webapp import subjects
from webapp.db import session
from webapp.extensions import actor
from webapp.inspections.common import bp
from webapp.inspections.forms import FINDING_FORMS
from webapp.paging import paginate
from workflows import audit
from workflows.inspections import access
from workflows.tasks import cc
from workflows.tasks.access import visible


@bp.route("/findings")
@login_required
def findings():
    db, me = session(), actor()
    query = access.finding_scope(me, select(Finding))
    if request.args.get("status") in FINDING_STATUSES:
        query = query.where(Finding.status == request.args["status"])
    if request.args.get("squad", type=int):
        query = query.where(Finding.squad_id == request.args.get("squad", type=int))
    if request.args.get("category"):
        query = query.where(Finding.category == request.args["category"][:64])
    found = paginate(db, query, Finding.confirmed_at.desc(), unique=Finding.id.desc())
    squads = list(db.scalars(select(Squad).order_by(Squad.id)))
    return render_template("inspections/findings.html", rows=found.rows, total=found.total, page=found.page,
                           pages=found.pages, statuses=FINDING_STATUSES, squads=squads)


def render_finding(finding: Finding, failed=None, status: int = 200):
    db, me = session(), actor()
    files = list(db.scalars(select(Attachment).where(Attachment.family == FAMILY_FINDING,
                                                     Attachment.subject_id == finding.id).order_by(Attachment.id)))
    return render_template("inspections/finding.html", f=finding, files=files, me=me,
                           panel=subjects.panel(db, me, FAMILY_FINDING, finding, failed),
                           entries=audit.timeline(db, FAMILY_FINDING, finding.id)), status


subjects.register(subjects.Pages(FAMILY_FINDING, "inspections.finding", "finding_id", FINDING_FORMS, None,
                                 render_finding))


@bp.route("/findings/<int:finding_id>")
@login_required
def finding(finding_id: int):
    db = session()
    found = visible(db, actor(), FAMILY_FINDING, finding_id)[1]
    if cc.mark_read(db, user=actor(), family=FAMILY_FINDING, subject_id=found.id, now=datetime.now(UTC)):
        db.commit()
    return render_finding(found)
