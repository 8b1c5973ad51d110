"""The descriptor of major-case supervision (重大案件督办) for the generic toolkit."""

from __future__ import annotations

from models.cases import FAMILY_MAJOR_CASE, MajorCase
from workflows.cases import deadlines
from workflows.cases.access import can_view_case
from workflows.cases.steps import HANDLERS
from workflows.families import Family, register

FAMILY = register(Family(
    name=FAMILY_MAJOR_CASE, label="重大案件", model=MajorCase, process_id="major_case",
    number_prefix=lambda year: f"案督{year}-", number_width=4,
    title_of=lambda case: case.title, kind_of=lambda case: 0, kinds={0: "重大案件"},
    squad_of=lambda case: case.squad_id, handler_of=lambda case: case.handler_id,
    started_of=lambda case: case.registered_at, registered_by_of=lambda case: case.registered_by_id,
    search_text_of=lambda case: f"{case.case_number} {case.parties} {case.violation} {case.matters}",
    can_view=can_view_case, approver_group=lambda case: "coordination",
    handlers=HANDLERS, start_data=lambda case: {"case_id": case.id},
    section_of=lambda case, step: "legal", final_steps=frozenset({"review_points"}),
    item_limits={0: deadlines.SUPERVISION_DAYS}, step_limits=deadlines.STEP_LIMITS,
    assign_step=None, co_squad_activity="case_co_squads", reply_step="rectify",  # co-squads named while open
    refer_step="review_points",
))
