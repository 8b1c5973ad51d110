"""追责移送 (accountability referrals)."""

from models.referrals import FAMILY_REFERRAL, AccountabilityReferral
from workflows.families import Family, register

register(Family(name=FAMILY_REFERRAL, label="追责移送", model=AccountabilityReferral,
                title_of=lambda s: (s.number, f"{s.classification_label}：{s.target_label}"),
                squad_of=lambda s: s.target_squad_id))
