"""信访件 (repeat petitions and complaints)."""

from models.petitions import FAMILY_PETITION, Petition
from workflows.families import Family, register

register(Family(name=FAMILY_PETITION, label="信访件", model=Petition,
                title_of=lambda s: (s.number, f"{s.category}：{s.address}"), squad_of=lambda s: s.squad_id))
