"""A finding that shows 不作为/慢作为/乱作为/违规违纪 goes into the existing accountability referral, its evidence
(the finding's photos and its steps) cited, and the finding's squad and responsible person as the default target."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from models.referrals import Classification
from tests.factories import make_finding
from workflows import attachments
from workflows.errors import InvalidInput
from workflows.referrals import evidence, operations, sources


def test_a_finding_is_referred_with_its_evidence(db, org, tmp_path):
    finding = make_finding(db, org, date(2026, 11, 10))
    now = finding.confirmed_at + timedelta(days=1)
    photo = attachments.save(db, actor=org.officer, now=finding.confirmed_at, folder=str(tmp_path), family="finding",
                             subject_id=finding.id, step=None,
                             upload=attachments.Upload("现场.jpg", "image/jpeg", b"\xff\xd8photo" * 20))
    db.flush()
    source = sources.resolve(db, "finding", finding.id)
    assert source.squad_id == finding.squad_id
    found = evidence.candidates(db, "finding", finding.id, now)
    keys = [e.key for e in found]
    assert any(e.kind == "attachment" and "现场.jpg" in e.label for e in found), keys
    spec = operations.ReferralInput(family="finding", subject_id=finding.id, classification=Classification.WRONG.value,
                                    facts="评查发现适用程序违法，承办人多次出现同类问题",
                                    target_squad_id=finding.squad_id, evidence_keys=keys)
    referral = operations.refer(db, actor=org.coordinator, now=now, spec=spec)
    assert referral.source_family == "finding" and referral.source_subject_id == finding.id
    assert referral.classification == Classification.WRONG.value
    assert {e["key"] for e in referral.evidence} == set(keys) and f"attachment:{photo.id}" in str(referral.evidence)
    assert operations.for_source(db, org.coordinator, "finding", finding.id) == [referral]


def test_a_finding_cannot_cite_another_subjects_evidence(db, org):
    finding = make_finding(db, org, date(2026, 11, 10))
    spec = operations.ReferralInput(family="finding", subject_id=finding.id, classification=Classification.SLOW.value,
                                    facts="整改拖延", target_squad_id=finding.squad_id,
                                    evidence_keys=["attachment:999"])
    with pytest.raises(InvalidInput, match="不属于该移送来源"):
        operations.refer(db, actor=org.coordinator, now=finding.confirmed_at, spec=spec)
