"""The descriptor of accountability referrals (追责移送) for the generic toolkit."""

from __future__ import annotations

from models.referrals import FAMILY_REFERRAL, AccountabilityReferral
from workflows.families import Family, register
from workflows.referrals.access import can_view_referral
from workflows.referrals.steps import HANDLERS

REFERRAL_DAYS = 20  # working days for the responsible section to conclude
STEP_LIMITS = {"accept": 2, "supplement": 2, "record_outcome": 3}

FAMILY = register(Family(
    name=FAMILY_REFERRAL, label="追责移送", model=AccountabilityReferral, process_id="accountability_referral",
    number_prefix=lambda year: f"追责{year}-", number_width=4,
    title_of=lambda r: f"{r.classification_label}：{r.target_label}", kind_of=lambda r: 0, kinds={0: "追责移送"},
    squad_of=lambda r: None, handler_of=lambda r: None,
    started_of=lambda r: r.referred_at, registered_by_of=lambda r: r.referred_by_id,
    search_text_of=lambda r: f"{r.source_label} {r.facts}",
    can_view=can_view_referral, approver_group=lambda r: "coordination",
    handlers=HANDLERS, start_data=lambda r: {"referral_id": r.id},
    section_of=lambda r, step: r.section_id, final_steps=frozenset({"record_outcome"}),
    may_act=lambda user, r: r.target_user_id != user.id,
    item_limits={0: REFERRAL_DAYS}, step_limits=STEP_LIMITS, call_key="referral_id",
    accountable_of=lambda r: (r.target_squad_id or (r.target_user.squad_id if r.target_user else None),
                              r.target_user_id),
))
