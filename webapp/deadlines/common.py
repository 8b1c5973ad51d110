"""The 时限 blueprint and what every subject page's clock panel needs (labels, the panel helper)."""

from __future__ import annotations

from flask import Blueprint
from flask_login import current_user
from sqlalchemy import select

from models.engine import WorkItem
from models.subjects import LEVEL_LABELS
from webapp.db import session
from workflows.deadlines import requests
from workflows.deadlines.ladder import STAGE_LABELS
from workflows.deadlines.recompute import BASIS_LABELS

bp = Blueprint("deadlines", __name__, url_prefix="/deadlines")
EVENT_LABELS = {"extension_requested": "申请延期", "extension_approved": "同意延期", "extension_refused": "不同意延期",
                "suspension_requested": "申请挂起", "suspension_refused": "不同意挂起", "suspended": "挂起",
                "resumed": "恢复计时", "urged": "催办", "recomputed": "重新计算期限", "deadline_set": "设定期限",
                "level_changed": "督办等级变化", "order_issued": "签发督办单", "order_answered": "答复督办单"}
LEVEL_CLASSES = {"blue": "primary", "yellow": "warning", "orange": "orange", "red": "danger"}
# Globals, not context: macros.html is imported without context, and its level_badge reads these.
bp.add_app_template_global(LEVEL_LABELS, "LEVEL_LABELS")
bp.add_app_template_global(LEVEL_CLASSES, "LEVEL_CLASSES")


@bp.app_context_processor
def _panel():
    def clock_panel(family: str, subject_id: int) -> dict:
        db = session()
        data = requests.history(db, family, subject_id)
        data["pending"] = next((r for r in data["requests"] if r.status == "pending"), None)
        data["work"] = list(db.scalars(select(WorkItem).where(WorkItem.family == family,
                                                              WorkItem.subject_id == subject_id)))
        return data

    return {"clock_panel": clock_panel, "EVENT_LABELS": EVENT_LABELS, "STAGE_LABELS": STAGE_LABELS,
            "BASIS_LABELS": BASIS_LABELS,
            "REQUEST_LABELS": requests.KIND_LABELS,
            "me_user": current_user.user if current_user.is_authenticated else None}


