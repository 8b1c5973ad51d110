"""The petition page (shared by the page's actions): its facts, chain, candidates, callbacks, spot checks and
findings beside the shared steps panel."""

from __future__ import annotations

from flask import current_app, render_template
from sqlalchemy import func, select

from models.attachments import Attachment
from models.org import Role, Squad, User
from models.petitions import FAMILY_PETITION, Callback, MisconductFinding, Petition, RepeatCandidate, SpotCheck
from webapp import subjects
from webapp.db import session
from webapp.extensions import actor
from webapp.petitions import forms
from workflows import audit
from workflows.petitions import access


def chain_sizes(db, petitions) -> dict[int, int]:
    ids = {p.chain_id for p in petitions}
    if not ids:
        return {}
    rows = db.execute(select(Petition.chain_id, func.count()).where(Petition.chain_id.in_(ids))
                      .group_by(Petition.chain_id))
    return dict(rows.all())


def _prepare(db, form, work, petition, fresh: bool) -> None:
    me = actor()
    if work.step == "assign":
        form.squad_id.choices = [(s.id, s.name) for s in db.scalars(select(Squad).order_by(Squad.id))]
        if fresh and petition.squad_id:
            form.squad_id.data = petition.squad_id
    if work.step == "accept":
        members = db.scalars(select(User).where(User.squad_id == petition.squad_id, User.active).order_by(User.name))
        form.handler_id.choices = [(u.id, u.name) for u in members if me.has(Role.SQUAD_LEADER) or u.id == me.id]
        if fresh:
            form.handler_id.data = me.id


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


def _person(me, petition, revealed):
    person = access.petitioner(petition, access.can_see_petitioner(me, petition))
    return {**person, **(revealed or {}), "revealable": access.can_reveal(me, petition),
            "revealed": set(revealed or {})}


def render_petition(petition, failed=None, status=200, extra_forms=None, revealed=None):
    db, me = session(), actor()
    files = list(db.scalars(select(Attachment).where(Attachment.family == FAMILY_PETITION,
                                                       Attachment.subject_id == petition.id).order_by(Attachment.id)))
    other = {"spot": forms.SpotCheckForm(prefix="spot"), "finding": forms.FindingForm(prefix="finding"),
             **(extra_forms or {})}
    return render_template("petitions/show.html", p=petition, files=files, other=other,
                           panel=subjects.panel(db, me, FAMILY_PETITION, petition, failed),
                           entries=audit.timeline(db, FAMILY_PETITION, petition.id),
                           person=_person(me, petition, revealed),
                           referral_enabled="referrals.new" in current_app.view_functions,
                           **_side(db, petition)), status


subjects.register(subjects.Pages(FAMILY_PETITION, "petitions.show", "petition_id", forms.STEP_FORMS, _prepare,
                                 render_petition))
