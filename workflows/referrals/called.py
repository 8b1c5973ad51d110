"""The referral as a BPMN call activity: the step of a family's process that may lead to accountability (its
descriptor's `refer_step`) opens a referral when its form asks for one; the process then calls the shared
`accountability_referral` process with the referral's id (`referral_id`, the called process's data input), and
the called steps belong to the referral (workflows.tasks.lifecycle splits the snapshot by owner)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from models.org import User
from workflows import audit
from workflows.errors import InvalidInput
from workflows.referrals import operations, sources
from workflows.referrals.family import FAMILY


def at_step(session, *, actor: User, now: datetime, fam: Any, subject: Any, values: dict,
            instance_id: int) -> dict:
    """The engine data of the refer step: `refer` False, or True with the new referral's id. The target is the
    subject's lead squad and handler; the form gives the problem type and the facts."""
    if not values.get("refer"):
        return {"refer": False}
    source = sources.resolve(session, fam.name, subject.id)
    spec = operations.ReferralInput(
        family=fam.name, subject_id=subject.id, classification=values.get("refer_classification") or "",
        facts=values.get("refer_facts") or "", target_user_id=source.handler_id, target_squad_id=source.squad_id)
    try:
        referral, source, section, _cited = operations.open_referral(session, actor=actor, now=now, spec=spec)
    except InvalidInput as exc:  # the step form names its fields refer_*
        field = f"refer_{exc.field}" if exc.field in ("classification", "facts") else exc.field
        raise InvalidInput(str(exc), field) from exc
    referral.instance_id = instance_id
    audit.record(session, actor=actor, now=now, family=FAMILY.name, subject_id=referral.id, action="refer",
                 summary=operations.summary_of(section, referral),
                 details={"number": referral.number, "source": [source.family, source.subject_id],
                          "called_by": [fam.name, subject.id]})
    return {"refer": True, "referral_id": referral.id}


def check_called(snapshot: Any, engine_data: dict) -> None:
    """After the advance: a referral asked for on an instance whose process version has no call activity here (an
    instance started before the referral became a call activity) is refused; nothing of it is kept, because the
    caller's transaction rolls back. Such an instance moves to the current version (admin migration) or the
    referral is made by hand, as its own instance."""
    if not engine_data.get("refer"):
        return
    wanted = engine_data.get("referral_id")
    if not any(c.inputs.get(FAMILY.call_key) == wanted for c in snapshot.calls):
        raise InvalidInput("该事项的流程版本不能在此环节移送追责：请从追责移送页面单独移送，或由管理员迁移流程版本",
                           "refer")

