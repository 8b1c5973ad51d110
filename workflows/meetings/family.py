"""The descriptor of study-meeting actions (专案研究决定事项): each is a small supervised subject of its owner
squad with the meeting's deadline, so urging, the ladder, worklists and the bulletin count it like any step."""

from __future__ import annotations

from models.meetings import FAMILY_STUDY_ACTION, StudyAction
from models.org import Role, User
from workflows.families import Family, register
from workflows.meetings.steps import HANDLERS


def can_view(user: User, action: StudyAction) -> bool:
    if user.has(Role.COORDINATOR, Role.LEADER):
        return True
    return user.has(Role.SQUAD_LEADER, Role.SQUAD_MEMBER) and action.squad_id == user.squad_id


FAMILY = register(Family(
    name=FAMILY_STUDY_ACTION, label="落实事项", model=StudyAction, process_id="study_action",
    number_prefix=lambda year: f"研{year}-", number_width=4,
    title_of=lambda a: a.title, kind_of=lambda a: 0, kinds={0: "专案研究落实事项"},
    squad_of=lambda a: a.squad_id, handler_of=lambda a: a.handler_id,
    started_of=lambda a: a.created_at, registered_by_of=lambda a: a.created_by_id,
    search_text_of=lambda a: a.result or "", can_view=can_view, approver_group=lambda a: "coordination",
    handlers=HANDLERS, start_data=lambda a: {"action_id": a.id}, unassigned_steps=frozenset({"implement"}),
    item_limits={0: 10}, step_limits={"confirm": 2}, assign_step=None,
    # co-squads named while the action is open; the owner squad's 落实 needs their contributions
    co_squad_activity="study_action_co_squads", reply_step="implement",
))
