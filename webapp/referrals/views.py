"""追责移送: list, refer from any family's subject, referral page and step forms; the panel on subject pages."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_from_directory, url_for
from flask_login import login_required
from sqlalchemy import func, select

from models.attachments import Attachment
from models.org import Role, Squad, User, UserRole
from models.referrals import CLASSIFICATION_LABELS, FAMILY_REFERRAL, AccountabilityReferral
from webapp import subjects
from webapp.db import session
from webapp.extensions import actor
from webapp.paging import paginate
from webapp.referrals.forms import STEP_FORMS, ReferForm
from workflows import audit
from workflows.errors import InvalidInput
from workflows.referrals import evidence
from workflows.referrals import operations as ops
from workflows.referrals.access import can_refer, referral_scope, shows_referrer
from workflows.tasks import cc
from workflows.tasks.access import visible

bp = Blueprint("referrals", __name__, url_prefix="/referrals")
STATUS_LABELS = {"open": "办理中", "closed": "已办结"}




@bp.app_context_processor
def _panel_helpers():
    def source_referrals(family: str, subject_id: int) -> list[AccountabilityReferral]:
        me = actor()
        return ops.for_source(session(), me, family, subject_id) if can_refer(me) else []

    def slow_evidence(family: str, subject_id: int) -> int:
        """How many late or overdue steps suggest slow action (慢作为); nothing is referred automatically."""
        found = evidence.candidates(session(), family, subject_id, datetime.now(UTC))
        return len(evidence.prefill(found, "slow"))

    return {"source_referrals": source_referrals, "may_refer": lambda: can_refer(actor()),
            "slow_evidence": slow_evidence}


@bp.route("")
@login_required
def index():
    db, me = session(), actor()
    if not me.has(Role.COORDINATOR, Role.LEADER, Role.SECTION_OFFICER):
        abort(403, "无权查看追责移送记录")
    query = referral_scope(me, select(AccountabilityReferral))
    counts = {(s, c): n for s, c, n in db.execute(
        referral_scope(me, select(AccountabilityReferral.status, AccountabilityReferral.classification, func.count()))
        .group_by(AccountabilityReferral.status, AccountabilityReferral.classification))}
    if request.args.get("status") in STATUS_LABELS:
        query = query.where(AccountabilityReferral.status == request.args["status"])
    if request.args.get("classification") in CLASSIFICATION_LABELS:
        query = query.where(AccountabilityReferral.classification == request.args["classification"])
    found = paginate(db, query, AccountabilityReferral.status.desc(), AccountabilityReferral.referred_at.desc(),
                     unique=AccountabilityReferral.id.desc())
    return render_template("referrals/index.html", rows=found.rows, total=found.total, page=found.page,
                           counts=counts, pages=found.pages, statuses=STATUS_LABELS,
                           classifications=CLASSIFICATION_LABELS, me=me)


def _refer_form(db, source, found, formdata=None) -> ReferForm:
    form = ReferForm(formdata=formdata)
    users = db.scalars(select(User).where(User.active, User.id.in_(
        select(UserRole.user_id).where(UserRole.role != Role.SYSTEM_ADMIN))).order_by(User.squad_id, User.id))
    form.target_user_id.choices = [(0, "—")] + [(u.id, f"{u.name}（{u.unit_name}）") for u in users]
    form.target_squad_id.choices = [(0, "—")] + [(s.id, s.name) for s in db.scalars(select(Squad).order_by(Squad.id))]
    form.section_id.choices = [(s.id, s.name) for s in ops.responsible_sections(db)]
    form.evidence.choices = [(e.key, e.label) for e in found]
    if formdata is None:
        form.family.data, form.subject_id.data = source.family, source.subject_id
        form.classification.data = request.args.get("classification")
        form.target_user_id.data = source.handler_id or 0
        form.target_squad_id.data = source.squad_id or 0
        form.target_kind.data = "officer" if source.handler_id else "squad"
        default = ops.default_section(db)
        form.section_id.data = default.id if default else None
        form.evidence.data = evidence.prefill(found, form.classification.data or "")
    return form


def _spec(form, source) -> ops.ReferralInput:
    officer = form.target_kind.data == "officer"
    return ops.ReferralInput(
        family=source.family, subject_id=source.subject_id, classification=form.classification.data,
        facts=form.facts.data, target_user_id=(form.target_user_id.data or None) if officer else None,
        target_squad_id=None if officer else (form.target_squad_id.data or None),
        evidence_keys=form.evidence.data or [], section_id=form.section_id.data, source_label=source.label,
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    db, me = session(), actor()
    if not can_refer(me):
        abort(403, "只有协调科或局领导可以移送追责")
    args = request.form if request.method == "POST" else request.args
    subject_id = args.get("subject_id", type=int)
    if not subject_id:
        abort(404, "移送来源不存在")
    family = args.get("family", "")
    label = subjects.labels(db, [(family, subject_id)]).get((family, subject_id))
    source = ops.sources.resolve(db, family, subject_id, " ".join(label) if label else "")
    found = evidence.candidates(db, family, subject_id, datetime.now(UTC))
    form = _refer_form(db, source, found, request.form if request.method == "POST" else None)
    if request.method == "POST" and form.validate():
        try:
            referral = ops.refer(db, actor=me, now=datetime.now(UTC), spec=_spec(form, source))
        except InvalidInput as exc:
            db.rollback()
            getattr(form, exc.field or "facts", form.facts).errors.append(exc.message)
        else:
            db.commit()
            flash(f"已移送{referral.section.name}追责：{referral.number}", "success")
            return redirect(url_for("referrals.show", referral_id=referral.id))
    slow = [e.key for e in found if e.slow]
    return render_template("referrals/new.html", form=form, source=source, slow=slow,
                           source_url=subjects.url_for_subject(family, subject_id)), 400 if form.errors else 200


def _render(referral, failed=None, status=200):
    db, me = session(), actor()
    files = list(db.scalars(select(Attachment).where(Attachment.family == FAMILY_REFERRAL,
                                                     Attachment.subject_id == referral.id).order_by(Attachment.id)))
    return render_template("referrals/show.html", r=referral, files=files,
                           panel=subjects.panel(db, me, FAMILY_REFERRAL, referral, failed),
                           entries=audit.timeline(db, FAMILY_REFERRAL, referral.id),
                           show_referrer=shows_referrer(me, referral),
                           source_url=subjects.url_for_subject(referral.source_family, referral.source_subject_id),
                           family_labels=subjects.family_labels()), status


subjects.register(subjects.Pages(FAMILY_REFERRAL, "referrals.show", "referral_id", STEP_FORMS, None, _render))


def _visible(referral_id: int):
    return visible(session(), actor(), FAMILY_REFERRAL, referral_id)[1]


@bp.route("/<int:referral_id>")
@login_required
def show(referral_id: int):
    db = session()
    referral = _visible(referral_id)
    if cc.mark_read(db, user=actor(), family=FAMILY_REFERRAL, subject_id=referral.id, now=datetime.now(UTC)):
        db.commit()
    return _render(referral)


@bp.route("/<int:referral_id>/evidence/<int:attachment_id>")
@login_required
def evidence_file(referral_id: int, attachment_id: int):
    """A source attachment cited as evidence, for whoever may see the referral (the responsible section too)."""
    referral = _visible(referral_id)
    row = session().get(Attachment, attachment_id)
    cited = {e.get("key") for e in referral.evidence}
    if row is None or f"attachment:{row.id}" not in cited:
        abort(404)
    return send_from_directory(current_app.config["UPLOAD_FOLDER"], row.stored_name, as_attachment=True,
                               download_name=row.original_name, mimetype=row.content_type)
