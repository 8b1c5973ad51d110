"""批示件 (the six kinds of instructed items)."""

from models.items import FAMILY_INSTRUCTED, SupervisedItem
from workflows.families import Family, register

register(Family(name=FAMILY_INSTRUCTED, label="批示件", model=SupervisedItem,
                title_of=lambda s: (s.number, s.title), squad_of=lambda s: s.lead_squad_id))
