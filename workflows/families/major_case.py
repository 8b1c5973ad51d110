"""重大案件 (major-case supervision)."""

from models.cases import FAMILY_MAJOR_CASE, MajorCase
from workflows.families import Family, register

register(Family(name=FAMILY_MAJOR_CASE, label="重大案件", model=MajorCase,
                title_of=lambda s: (s.number, s.title), squad_of=lambda s: s.squad_id))
