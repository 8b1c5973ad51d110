"""Repeat detection: earlier petitions that are probably the same matter, with the reason and a score.

Candidates are narrowed with indexed columns first (blind indexes of the normalised phone and ID number,
address key; street +
category + received_at window), and only then is the text scored (rapidfuzz, character level, which
works for Chinese without word segmentation).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from rapidfuzz import fuzz, process
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from models.org import Role, User
from models.petitions import FAMILY_PETITION, Petition, RepeatCandidate
from workflows import audit
from workflows.errors import Conflict, NotFound, PermissionDenied
from workflows.petitions.family import FAMILY
from workflows.petitions.normalize import id_indexes, phone_indexes, text_norm
from workflows.tasks import lifecycle

TEXT_THRESHOLD = 62.0  # character-level similarity (0-100) from which content counts as "similar"
SAME_ADDRESS_TEXT = 40.0  # at the same address, a weaker text likeness (or the same category) suffices
TEXT_POOL = 3000  # most recent petitions of the same street and category that are scored for text
KEY_SCORES = {"id": 95.0, "phone": 90.0, "address": 70.0}
REASONS = {"id": "同一身份证号", "phone": "同一联系电话", "address": "同一地址"}


@dataclass
class Match:
    petition_id: int
    score: float
    reasons: list[str] = field(default_factory=list)


def _window(petition: Petition, window_days: int):
    since = petition.received_at - timedelta(days=window_days)
    return (Petition.id != petition.id, Petition.received_at >= since,
            Petition.received_at <= petition.received_at)


def _key_rows(session: Session, petition: Petition, window_days: int):
    keys = []
    phones, ids = _indexes(petition)
    if phones:
        keys.append(Petition.phone_index.in_(phones))
    if ids:
        keys.append(Petition.id_index.in_(ids))
    if petition.address_key:
        keys.append(Petition.address_key == petition.address_key)
    if not keys:
        return []
    query = (select(Petition.id, Petition.phone_index, Petition.id_index, Petition.address_key, Petition.category,
                    Petition.content)
             .where(*_window(petition, window_days), or_(*keys)).limit(500))
    return session.execute(query).all()


def _text_rows(session: Session, petition: Petition, window_days: int):
    query = (select(Petition.id, Petition.content)
             .where(*_window(petition, window_days), Petition.street == petition.street,
                    Petition.category == petition.category)
             .order_by(Petition.received_at.desc()).limit(TEXT_POOL))
    return session.execute(query).all()


def _indexes(petition: Petition) -> tuple[list[str], list[str]]:
    """The petition's phone and ID blind indexes under every key of the ring: rows not yet re-keyed by a
    rotation still match."""
    return phone_indexes(petition.petitioner_phone), id_indexes(petition.petitioner_id_no)


def _key_match(petition: Petition, row, text: str, indexes: tuple[list[str], list[str]]) -> Match | None:
    similarity = fuzz.ratio(text, text_norm(row.content))
    phones, ids = indexes
    kinds = [k for k, value, mine in (("id", row.id_index, ids), ("phone", row.phone_index, phones))
             if value and value in mine]
    if row.address_key and row.address_key == petition.address_key and (
            similarity >= SAME_ADDRESS_TEXT or row.category == petition.category):
        kinds.append("address")
    if not kinds:
        return None
    reasons = [REASONS[k] for k in kinds]
    score = max(KEY_SCORES[k] for k in kinds) + 3 * (len(kinds) - 1)
    if similarity >= TEXT_THRESHOLD:
        reasons.append(f"内容相似（{similarity:.0f}%）")
        score += 5
    return Match(row.id, min(round(score, 1), 100.0), reasons)


def find_repeats(session: Session, petition: Petition, *, window_days: int = 365, limit: int = 10) -> list[Match]:
    """Earlier petitions within the window that are probably the same matter, best first."""
    text = text_norm(petition.content)
    found: dict[int, Match] = {}
    indexes = _indexes(petition)
    for row in _key_rows(session, petition, window_days):
        match = _key_match(petition, row, text, indexes)
        if match:
            found[row.id] = match
    pool = {row.id: text_norm(row.content) for row in _text_rows(session, petition, window_days)
            if row.id not in found}
    for _choice, similarity, pid in process.extract(text, pool, scorer=fuzz.ratio, score_cutoff=TEXT_THRESHOLD,
                                                    limit=limit):
        found[pid] = Match(pid, round(similarity * 0.85, 1), [f"内容相似（{similarity:.0f}%）"])
    return sorted(found.values(), key=lambda m: (-m.score, -m.petition_id))[:limit]


def record_candidates(session: Session, petition: Petition, matches: list[Match]) -> list[RepeatCandidate]:
    rows = [RepeatCandidate(petition_id=petition.id, candidate_id=m.petition_id, score=m.score, reasons=m.reasons,
                            status="pending") for m in matches]
    session.add_all(rows)
    session.flush()
    return rows


def _decidable(session: Session, actor: User, candidate_id: int) -> RepeatCandidate:
    if not actor.has(Role.COORDINATOR):
        raise PermissionDenied("只有协调科可以认定重复件")
    row = session.get(RepeatCandidate, candidate_id, with_for_update=True)
    if row is None:
        raise NotFound("疑似重复记录不存在")
    if row.status != "pending":
        raise Conflict("该疑似重复记录已处理")
    return row


def confirm(session: Session, *, actor: User, now: datetime, candidate_id: int) -> Petition:
    """The petition repeats the candidate: both chains become one (the earlier chain's id is kept)."""
    row = _decidable(session, actor, candidate_id)
    petition = session.get(Petition, row.petition_id)
    earlier = session.get(Petition, row.candidate_id)
    if petition.repeat_of_id is not None:
        raise Conflict("该信访件已认定为重复件")
    target, old = earlier.chain_id or earlier.id, petition.chain_id or petition.id
    if target == old:
        raise Conflict("两件已在同一重复链中")
    session.execute(update(Petition).where(Petition.chain_id == old).values(chain_id=target))
    session.refresh(petition)
    petition.repeat_of_id, petition.chain_id = earlier.id, target
    lifecycle.relabel(session, FAMILY, petition, now)
    row.status, row.decided_by_id, row.decided_at = "confirmed", actor.id, now
    audit.record(session, actor=actor, now=now, family=FAMILY_PETITION, subject_id=petition.id,
                 action="repeat_confirm", summary=f"认定为 {earlier.number} 的重复件",
                 details={"candidate_id": earlier.id, "chain_id": target, "score": row.score})
    session.flush()
    return petition


def reject(session: Session, *, actor: User, now: datetime, candidate_id: int) -> RepeatCandidate:
    row = _decidable(session, actor, candidate_id)
    row.status, row.decided_by_id, row.decided_at = "rejected", actor.id, now
    earlier = session.get(Petition, row.candidate_id)
    audit.record(session, actor=actor, now=now, family=FAMILY_PETITION, subject_id=row.petition_id,
                 action="repeat_reject", summary=f"排除与 {earlier.number} 重复")
    return row
