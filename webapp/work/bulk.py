"""Bulk 签收 / 催办 / 转办 on the rows selected in 待办: each row in its own savepoint, with its own outcome."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import render_template, request
from flask_login import login_required

from models.engine import WorkItem
from webapp import subjects
from webapp.db import session
from webapp.extensions import actor
from webapp.work.common import bp
from workflows.errors import InvalidInput, NotFound
from workflows.tasks import bulk, claim, transfer, urge

ACTIONS = {"claim": "签收", "urge": "催办", "transfer": "转办"}
MAX_ROWS = 200


def _action(name: str, now: datetime):
    me = actor()
    message, to_user = (request.form.get("message") or "").strip(), request.form.get("user_id", type=int)

    def run(key: str) -> str:
        work = session().get(WorkItem, int(key)) if key.isascii() and key.isdigit() else None
        if work is None:
            raise NotFound("该环节已办理完毕或已撤销")
        label = f"{work.subject_number}「{work.step_name}」"
        if name == "claim":
            claim.claim(session(), actor=me, now=now, work_id=work.id)
        elif name == "urge":
            urge.urge(session(), actor=me, now=now, family=work.family, subject_id=work.subject_id,
                      task_uuid=work.task_uuid, message=message)
        else:
            transfer.transfer(session(), actor=me, now=now, work_id=work.id, to_user_id=to_user)
        return f"{label}已{ACTIONS[name]}"

    return run


@bp.route("/work/bulk", methods=["POST"])
@login_required
def bulk_action():
    name = request.form.get("action", "")
    keys = request.form.getlist("work_ids")[:MAX_ROWS]
    if name not in ACTIONS:
        raise InvalidInput("请选择批量操作")
    if not keys:
        raise InvalidInput("请先勾选要操作的待办")
    if name == "urge" and not (request.form.get("message") or "").strip():
        raise InvalidInput("批量催办请填写催办内容")
    db = session()
    results = bulk.run(db, keys, _action(name, datetime.now(UTC)))
    db.commit()
    return render_template("work/bulk.html", action=ACTIONS[name], results=results,
                           link=lambda family, sid: subjects.url_for_subject(family, sid))
