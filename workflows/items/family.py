"""The descriptor of instructed items (六类重要批示件) for the generic toolkit."""

from __future__ import annotations

from sqlalchemy import Select, false

from models.items import FAMILY_INSTRUCTED, KIND_SHORT_LABELS, ItemKind, SupervisedItem
from models.org import Role, User
from workflows.families import Family, register
from workflows.items.deadlines import DEFAULT_LIMITS, STEP_LIMITS
from workflows.items.steps import HANDLERS


def can_view(user: User, item: SupervisedItem) -> bool:
    if user.has(Role.COORDINATOR, Role.LEADER):
        return True
    return user.has(Role.SQUAD_LEADER, Role.SQUAD_MEMBER) and item.lead_squad_id is not None \
        and item.lead_squad_id == user.squad_id


def scope(user: User, query: Select) -> Select:
    """Restrict a query over SupervisedItem to what the user may see (by the family's rule)."""
    if user.has(Role.COORDINATOR, Role.LEADER):
        return query
    if user.has(Role.SQUAD_LEADER, Role.SQUAD_MEMBER):
        return query.where(SupervisedItem.lead_squad_id == user.squad_id)
    return query.where(false())


def _start_data(item: SupervisedItem) -> dict:
    kind = ItemKind(item.kind)
    return {"item_id": item.id, "kind": int(kind), "needs_study": item.needs_study,
            "needs_signoff": kind.needs_signoff}


FAMILY = register(Family(
    name=FAMILY_INSTRUCTED, label="批示件", model=SupervisedItem, process_id="instructed_item",
    number_prefix=lambda year: f"督{year}-", number_width=4,
    title_of=lambda item: item.title, kind_of=lambda item: int(item.kind),
    kinds={int(k): v for k, v in KIND_SHORT_LABELS.items()},
    squad_of=lambda item: item.lead_squad_id, handler_of=lambda item: item.handler_id,
    started_of=lambda item: item.received_at, registered_by_of=lambda item: item.registered_by_id,
    search_text_of=lambda item: f"{item.source_doc_number} {item.instructing_leader} {item.instruction_text}",
    can_view=can_view,
    approver_group=lambda item: "leader" if ItemKind(item.kind).needs_signoff else "coordination",
    handlers=HANDLERS, start_data=_start_data, unassigned_steps=frozenset({"accept"}),
    final_steps=frozenset({"send_reply"}),
    item_limits={int(k): v for k, v in DEFAULT_LIMITS.items()}, step_limits=STEP_LIMITS,
    squad_field="lead_squad_id", co_squad_activity="item_co_squads", reply_step="draft_reply", refer_step="review",
    lead_waits=lambda kind: ItemKind(kind).needs_signoff,  # a reply signed by a leader waits for every part
))
