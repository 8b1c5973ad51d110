"""The 主办/协办 blueprint, and what every subject page's responsibility panel needs."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint
from sqlalchemy import select

from models.attachments import Attachment
from models.org import Role, Squad
from models.responsibility import PART_LABELS, RETURN_REASONS
from webapp.db import session
from webapp.extensions import actor
from webapp.responsibility.forms import AddCoSquadForm, DecideReturnForm, FinalDecisionForm, ReassignForm
from webapp.responsibility.steps import fill_rows
from workflows import families
from workflows.meetings.operations import meetings_of
from workflows.tasks import assignments, cosquads, returns
from workflows.tasks.parts import parts_of

bp = Blueprint("responsibility", __name__, url_prefix="/r")
RETURN_STEP = "jurisdiction_return"


def _squad_choices(db):
    return [(s.id, s.name) for s in db.scalars(select(Squad).order_by(Squad.id))]


def panel_data(family: str, subject_id: int) -> dict:
    db, me, now = session(), actor(), datetime.now(UTC)
    fam = families.get(family)
    subject = db.get(fam.model, subject_id)
    lead = getattr(subject, fam.squad_field, None)
    parts = parts_of(db, family, subject_id)
    rows = returns.returns_of(db, family, subject_id)
    coordinator, is_open = me.has(Role.COORDINATOR), subject.status != "closed"
    in_lead = me.squad_id is not None and me.squad_id == lead and me.has(Role.SQUAD_LEADER, Role.SQUAD_MEMBER)
    data = {
        "fam": fam, "lead": db.get(Squad, lead) if lead else None, "parts": parts, "returns": rows,
        "reassignments": assignments.history(db, family, subject_id), "meetings": meetings_of(db, family, subject_id),
        "coordinator": coordinator, "is_open": is_open, "in_lead": in_lead,
        "window": returns.window(db, fam, subject, now) if in_lead else None,
        "missing_ok": {p.id for p in parts if cosquads.can_mark_missing(fam, subject, p, now)}
        if (coordinator or (in_lead and me.has(Role.SQUAD_LEADER))) else set(),
        "evidence": {a.id: a for a in db.scalars(select(Attachment).where(
            Attachment.family == family, Attachment.subject_id == subject_id, Attachment.step == RETURN_STEP))},
        "squad_names": dict(_squad_choices(db)), "now": now,
    }
    if coordinator and is_open and fam.co_squad_activity:
        form = AddCoSquadForm(prefix="co")
        form.squad_id.choices = _squad_choices(db)
        data["add_form"] = form
    if coordinator and is_open and lead is not None and not any(r.status in returns.OPEN for r in rows):
        form = ReassignForm(prefix="ra")
        form.to_squad_id.choices = _squad_choices(db)
        fill_rows(db, form.co_squads)
        data["reassign_form"] = form
    pending = next((r for r in rows if r.status in returns.OPEN), None)
    if pending is not None and pending.status == "pending" and coordinator:
        form = DecideReturnForm(prefix="dr")
        form.to_squad_id.choices = [(None, "（请选择）")] + _squad_choices(db)
        fill_rows(db, form.co_squads)
        data["decide_form"] = (pending, form)
    if pending is not None and pending.status == "escalated" and me.has(Role.LEADER):
        form = FinalDecisionForm(prefix="fd")
        form.to_squad_id.choices = _squad_choices(db)
        form.to_squad_id.data = pending.squad_id
        data["final_form"] = (pending, form)
    return data


@bp.app_context_processor
def _context():
    return {"responsibility_panel": panel_data, "PART_LABELS": PART_LABELS, "RETURN_REASONS": RETURN_REASONS}
