"""The descriptor of petitions (重复信访/投诉件) for the generic toolkit."""

from __future__ import annotations

from datetime import datetime

from models.org import Role, User
from models.petitions import FAMILY_PETITION, Petition
from workflows.families import Family, register
from workflows.petitions import deadlines
from workflows.petitions.steps import HANDLERS


def can_view(user: User, petition: Petition) -> bool:
    if user.has(Role.COORDINATOR, Role.LEADER):
        return True
    return user.has(Role.SQUAD_LEADER, Role.SQUAD_MEMBER) and petition.squad_id is not None \
        and petition.squad_id == user.squad_id


def title(petition: Petition) -> str:
    return ("【重复件】" if petition.repeat_of_id is not None else "") + f"{petition.category}：{petition.address}"


def _on_advance(session, petition: Petition, snapshot, now: datetime) -> None:
    if snapshot.completed and petition.first_closed_at is None:
        petition.first_closed_at = now
        petition.closed_on_time = petition.deadline_at is None or now <= petition.deadline_at


FAMILY = register(Family(
    name=FAMILY_PETITION, label="信访件", model=Petition, process_id="petition",
    number_prefix=lambda year: f"信{year}-", number_width=5,
    title_of=title, kind_of=lambda p: 0, kinds={0: "信访件"},
    squad_of=lambda p: p.squad_id, handler_of=lambda p: p.handler_id,
    started_of=lambda p: p.received_at, registered_by_of=lambda p: p.registered_by_id,
    search_text_of=lambda p: f"{p.petitioner_name} {p.address} {p.street} {p.category} {p.content} "
                             f"{p.external_ref or ''}",
    can_view=can_view, approver_group=lambda p: "coordination",
    handlers=HANDLERS, start_data=lambda p: {"petition_id": p.id, "reopen": p.reopen_count > 0},
    unassigned_steps=frozenset({"accept"}), final_steps=frozenset({"reply"}), on_advance=_on_advance,
    item_limits={0: deadlines.CONCLUDE_DAYS}, step_limits=deadlines.STEP_LIMITS,
    steps_from_start=deadlines.FROM_RECEIPT, max_extension_workdays=deadlines.MAX_EXTENSION_DAYS,
    co_squad_activity="petition_co_squads", reply_step="reply", refer_step="review",
))
