"""Reading subjects for the city systems: status, current step, deadline and history by number or external
reference; and every change since a cursor (the audit entry id), for sync."""

from __future__ import annotations

from flask import jsonify, request
from sqlalchemy import select

from models.audit import AuditEntry
from models.petitions import Petition
from models.subjects import Subject
from webapp.api.common import bp, error, requires
from webapp.db import session
from workflows import audit, families, steps

MAX_CHANGES = 500


def _iso(value):
    return value.isoformat() if value else None


def _subject_json(db, row: Subject) -> dict:
    work = steps.open_work(db, row.family, row.subject_id)
    history = audit.timeline(db, row.family, row.subject_id)
    return {
        "family": row.family, "number": row.number, "title": row.title, "status": row.status,
        "level": row.level, "deadline_at": _iso(row.deadline_at), "closed_at": _iso(row.closed_at),
        "current_steps": [{"step": w.step, "name": w.step_name, "due_at": _iso(w.due_at)} for w in work],
        "history": [{"at": _iso(e.at), "action": e.action, "step": e.step, "summary": e.summary} for e in history],
    }


@bp.route("/subjects/<number>")
@requires("subjects:read")
def subject_by_number(number: str):
    db = session()
    row = db.scalar(select(Subject).where(Subject.number == number[:40]).order_by(Subject.id).limit(1))
    if row is None:
        return error(404, f"编号 {number[:40]} 的督办事项不存在", message_en="No subject with this number")
    return jsonify(_subject_json(db, row))


@bp.route("/subjects")
@requires("subjects:read")
def subject_by_reference():
    ref = (request.args.get("external_ref") or "").strip()[:64]
    if not ref:
        return error(400, "请提供外部编号 external_ref", "external_ref", "外部编号",
                     "Query parameter 'external_ref' is required")
    db = session()
    petition_id = db.scalar(select(Petition.id).where(Petition.external_ref == ref))
    row = petition_id and db.scalar(select(Subject).where(Subject.family == "petition",
                                                          Subject.subject_id == petition_id))
    if not row:
        return error(404, f"外部编号 {ref} 没有对应的督办事项", message_en="No subject with this external reference")
    return jsonify(_subject_json(db, row))


def _int_arg(name: str, default: int, low: int, high: int):
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        return None
    return int(raw)


@bp.route("/changes")
@requires("changes:read")
def changes():
    """Audit entries of every subject after `cursor`, oldest first; pass `next_cursor` back to continue."""
    cursor, limit = _int_arg("cursor", 0, 0, 2**62), _int_arg("limit", 100, 1, MAX_CHANGES)
    if cursor is None:
        return error(400, "cursor 必须是非负整数", "cursor", "游标", "'cursor' must be a non-negative integer")
    if limit is None:
        return error(400, f"limit 必须是 1 到 {MAX_CHANGES} 的整数", "limit", "条数",
                     f"'limit' must be an integer from 1 to {MAX_CHANGES}")
    db = session()
    names = [f.name for f in families.all_families()]
    entries = db.scalars(select(AuditEntry).where(AuditEntry.id > cursor, AuditEntry.family.in_(names))
                         .order_by(AuditEntry.id).limit(limit)).all()
    keys = {(e.family, e.subject_id) for e in entries}
    rows = {(r.family, r.subject_id): r for r in db.scalars(select(Subject).where(
        Subject.subject_id.in_({k[1] for k in keys}))) if (r.family, r.subject_id) in keys} if keys else {}
    found = []
    for e in entries:
        row = rows.get((e.family, e.subject_id))
        found.append({"cursor": e.id, "at": _iso(e.at), "family": e.family, "number": row.number if row else None,
                      "action": e.action, "step": e.step, "summary": e.summary,
                      "status": row.status if row else None})
    return jsonify({"changes": found, "next_cursor": entries[-1].id if entries else cursor})
