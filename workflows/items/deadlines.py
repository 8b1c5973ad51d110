"""Default time limits of instructed items (the rule book's defaults; administrators override them)."""

from __future__ import annotations

from models.items import ItemKind

# Reply time limits in working days per kind (the instructing body often names its own date).
DEFAULT_LIMITS = {
    ItemKind.CITY_LEADER: 10,
    ItemKind.MINISTRY_LEADER: 10,
    ItemKind.CITY_COMMISSION_LEADER: 10,
    ItemKind.CITY_BUREAU_LEADER: 7,
    ItemKind.MEDIA_EXPOSURE: 3,
    ItemKind.PUBLIC_OPINION: 2,
}
# Steps with a limit of their own (working days from the moment the step opens).
STEP_LIMITS = {"accept": 1, "assign": 1, "joint_study": 2, "review": 2, "send_reply": 1, "leader_signoff": 2}
