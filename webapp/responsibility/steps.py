"""What every family's step forms share: the co-squad branch's forms, and the squad choices of co-squad and
decision rows (交办, 改派, 专案研究)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from models.org import Role, Squad, User
from webapp.extensions import actor
from webapp.responsibility.forms import STEP_FORMS  # noqa: F401 - the co-squad steps' forms


def squad_choices(db, blank: str = "（不选）") -> list[tuple]:
    return [(None, blank)] + [(s.id, s.name) for s in db.scalars(select(Squad).order_by(Squad.id))]


def fill_rows(db, field_list, blank: str = "（不选）") -> None:
    choices = squad_choices(db, blank)
    for entry in field_list:
        entry.form.squad_id.choices = choices


def prepare(db, form, work, subject: Any, fresh: bool) -> None:
    for name in ("co_squads", "decisions"):
        if hasattr(form, name):
            fill_rows(db, getattr(form, name))
    if work.step == "co_accept":
        me = actor()
        members = db.scalars(select(User).where(User.squad_id == work.squad_id, User.active).order_by(User.name))
        form.handler_id.choices = [(u.id, u.name) for u in members if me.has(Role.SQUAD_LEADER) or u.id == me.id]
        if fresh:
            form.handler_id.data = me.id
