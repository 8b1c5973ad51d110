"""Repeat detection: same phone, same ID, same address written differently, similar text, window, chains."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from models.petitions import Petition, RepeatCandidate
from tests.factories import NOW, make_petition
from workflows.errors import Conflict, PermissionDenied
from workflows.petitions import detection

OTHER = {"petitioner_name": "李四", "petitioner_phone": "13911112222", "petitioner_id_no": "",
         "address": "仙霞路500号", "category": "乱设摊", "content": "仙霞路菜场门口乱设摊占道经营，影响通行。"}


def candidates(db, petition):
    return {c.candidate_id: c for c in db.scalars(select(RepeatCandidate).where(
        RepeatCandidate.petition_id == petition.id))}


def test_same_phone_written_differently(db, org):
    first = make_petition(db, org, received_at=NOW - timedelta(days=40))
    second = make_petition(db, org, **{**OTHER, "petitioner_phone": "+86 138-0013-5678"})
    found = candidates(db, second)
    assert list(found) == [first.id]
    assert "同一联系电话" in found[first.id].reasons and found[first.id].score >= 90


def test_same_id_number(db, org):
    first = make_petition(db, org, received_at=NOW - timedelta(days=40))
    second = make_petition(db, org, **{**OTHER, "petitioner_phone": "", "petitioner_id_no": "310105199001011234"})
    assert "同一身份证号" in candidates(db, second)[first.id].reasons


def test_same_address_written_differently(db, org):
    first = make_petition(db, org, received_at=NOW - timedelta(days=10), petitioner_phone="", petitioner_id_no="")
    second = make_petition(db, org, petitioner_phone="13700001111", petitioner_id_no="", petitioner_name="王五",
                           address="上海市长宁区延安西路一百二十三号2楼",
                           content="工地晚上施工，噪声很大，居民无法休息。")
    found = candidates(db, second)
    assert first.id in found and "同一地址" in found[first.id].reasons


def test_similar_text_only(db, org):
    first = make_petition(db, org, received_at=NOW - timedelta(days=10), petitioner_phone="", petitioner_id_no="",
                          address="延安西路工地")
    second = make_petition(db, org, petitioner_phone="13700001111", petitioner_id_no="", address="延安西路附近",
                           content="延安西路123号工地夜间施工噪声扰民，严重影响居民休息，请求查处！")
    reasons = candidates(db, second)[first.id].reasons
    assert reasons and reasons[0].startswith("内容相似")


def test_outside_the_window_is_not_found(db, org):
    make_petition(db, org, received_at=NOW - timedelta(days=400))
    second = make_petition(db, org)
    assert candidates(db, second) == {}


def test_different_matter_is_not_a_repeat(db, org):
    make_petition(db, org, received_at=NOW - timedelta(days=10))
    other = make_petition(db, org, **OTHER)
    assert candidates(db, other) == {}
    assert detection.find_repeats(db, other) == []


def test_confirm_links_chains_and_reject(db, org):
    first = make_petition(db, org, received_at=NOW - timedelta(days=60))
    second = make_petition(db, org, received_at=NOW - timedelta(days=30))
    third = make_petition(db, org)
    cand = candidates(db, second)[first.id]
    with pytest.raises(PermissionDenied):
        detection.confirm(db, actor=org.a_leader, now=NOW, candidate_id=cand.id)
    detection.confirm(db, actor=org.coordinator, now=NOW, candidate_id=cand.id)
    assert second.repeat_of_id == first.id and second.chain_id == first.id
    with pytest.raises(Conflict):
        detection.confirm(db, actor=org.coordinator, now=NOW, candidate_id=cand.id)
    third_cands = candidates(db, third)
    detection.reject(db, actor=org.coordinator, now=NOW, candidate_id=third_cands[first.id].id)
    detection.confirm(db, actor=org.coordinator, now=NOW, candidate_id=third_cands[second.id].id)
    chain = db.scalars(select(Petition.id).where(Petition.chain_id == first.id)).all()
    assert sorted(chain) == sorted([first.id, second.id, third.id])
    assert third_cands[first.id].status == "rejected"


def test_repeats_are_flagged_on_the_worklist(db, org):
    from models.engine import WorkItem

    first = make_petition(db, org, received_at=NOW - timedelta(days=60))
    second = make_petition(db, org)
    titles = lambda p: [w.subject_title for w in db.scalars(select(WorkItem).where(  # noqa: E731
        WorkItem.family == "petition", WorkItem.subject_id == p.id))]
    assert not any("重复" in t for t in titles(first) + titles(second))
    cand = candidates(db, second)[first.id]
    detection.confirm(db, actor=org.coordinator, now=NOW, candidate_id=cand.id)
    assert titles(second) and all(t.startswith("【重复件】") for t in titles(second)), "the repeat is flagged"
    assert not any("重复" in t for t in titles(first)), "the first petition of the chain is the original"
    from workflows import subjects

    assert subjects.find(db, "petition", second.id).title.startswith("【重复件】")
