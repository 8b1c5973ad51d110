"""The petitions blueprint and what its view modules share."""

from __future__ import annotations

import os
from zoneinfo import ZoneInfo

from flask import Blueprint, current_app

from webapp import uploads as upload_helpers
from workflows.petitions.deadlines import Limits

bp = Blueprint("petitions", __name__, url_prefix="/petitions")
LOCAL = ZoneInfo("Asia/Shanghai")


def limits() -> Limits:
    """Repeat-detection window and callback sample: app config, else environment (PETITION_WINDOW_DAYS,
    PETITION_SAMPLE_PERCENT), else the defaults of `Limits`. Time limits are in the rule book."""
    cfg = current_app.config
    defaults = Limits()
    values = {}
    for name in defaults.__dataclass_fields__:
        key = f"PETITION_{name.upper()}"
        values[name] = int(cfg.get(key) or os.environ.get(key) or getattr(defaults, name))
    return Limits(**values)


formdata = upload_helpers.formdata
uploads = upload_helpers.collect


def save_uploads(db, *, actor, now, subject_id: int, step: str | None, files) -> None:
    from models.petitions import FAMILY_PETITION

    upload_helpers.save_all(db, actor=actor, now=now, family=FAMILY_PETITION, subject_id=subject_id, step=step,
                            uploads=files)
