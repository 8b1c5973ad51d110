"""Registering a petition: from the form, the REST API or a ledger row. Validation lives here so that
all three entrances refuse the same things with the same Chinese messages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.org import Role, Squad, User
from models.petitions import CHANNELS, Petition
from workflows import audit
from workflows.calendar import load_calendar
from workflows.deadlines import compute
from workflows.deadlines.rules import load_book
from workflows.errors import Conflict, InvalidInput, PermissionDenied
from workflows.petitions import detection, normalize
from workflows.petitions.deadlines import DEFAULT_LIMITS, Limits, accept_deadline
from workflows.petitions.family import FAMILY
from workflows.tasks import lifecycle

MAX_LEN = {"petitioner_name": 64, "petitioner_phone": 32, "petitioner_id_no": 32, "address": 200, "street": 64,
           "category": 64, "content": 5000, "external_ref": 64}
LABELS = {"channel": "来源渠道", "petitioner_name": "信访人姓名", "petitioner_phone": "联系电话",
          "petitioner_id_no": "身份证号", "address": "地址", "street": "所属街道", "category": "问题类别",
          "content": "反映内容", "received_at": "收件时间", "external_ref": "外部编号"}
REQUIRED = ("channel", "address", "category", "content")


@dataclass
class PetitionInput:
    channel: str
    address: str
    category: str
    content: str
    received_at: datetime
    petitioner_name: str = ""
    petitioner_phone: str = ""
    petitioner_id_no: str = ""
    street: str = ""
    external_ref: str = ""


def validate(data: PetitionInput, now: datetime) -> None:
    """Raise InvalidInput naming the first bad field."""
    for key in REQUIRED:
        if not str(getattr(data, key) or "").strip():
            raise InvalidInput(f"请填写{LABELS[key]}", key)
    if data.channel not in CHANNELS:
        raise InvalidInput(f"来源渠道只能是：{'、'.join(CHANNELS.values())}", "channel")
    for key, limit in MAX_LEN.items():
        if len(str(getattr(data, key) or "").strip()) > limit:
            raise InvalidInput(f"{LABELS[key]}不能超过{limit}个字", key)
    if data.received_at.tzinfo is None or data.received_at > now:
        raise InvalidInput("收件时间不能晚于当前时间", "received_at")
    if data.petitioner_phone.strip() and normalize.phone_norm(data.petitioner_phone) is None:
        raise InvalidInput("联系电话格式不正确", "petitioner_phone")
    if not normalize.id_valid(data.petitioner_id_no):
        raise InvalidInput("身份证号格式不正确（18位）", "petitioner_id_no")


def squad_for_street(session: Session, street: str) -> Squad | None:
    return session.scalar(select(Squad).where(Squad.street == street.strip())) if street.strip() else None


def find_duplicate(session: Session, data: PetitionInput) -> Petition | None:
    """The petition already taken for the same external reference, or (without one) the same content."""
    if data.external_ref.strip():
        return session.scalar(select(Petition).where(Petition.external_ref == data.external_ref.strip()))
    digest = normalize.content_hash(data.received_at.isoformat(), data.petitioner_phone, data.address, data.content)
    return session.scalar(select(Petition).where(Petition.content_hash == digest).limit(1))


def _row(data: PetitionInput, now: datetime, source: str, actor: User | None) -> Petition:
    return Petition(
        channel=data.channel, petitioner_name=data.petitioner_name.strip(),
        petitioner_phone=data.petitioner_phone.strip(), petitioner_id_no=data.petitioner_id_no.strip().upper(),
        phone_index=normalize.phone_index(data.petitioner_phone), id_index=normalize.id_index(data.petitioner_id_no),
        address=data.address.strip(), address_key=normalize.address_key(data.address), street=data.street.strip(),
        category=data.category.strip(), content=data.content.strip(), received_at=data.received_at,
        external_ref=data.external_ref.strip() or None, source=source, status="open",
        content_hash=normalize.content_hash(data.received_at.isoformat(), data.petitioner_phone, data.address,
                                            data.content),
        deadline_basis="rule", clock_rules_at=now, registered_by_id=actor.id if actor else None, registered_at=now,
    )


def _set_deadlines(session: Session, petition: Petition, now: datetime) -> None:
    calendar, book = load_calendar(session), load_book(session, FAMILY.name, now)
    accept = accept_deadline(calendar, book, petition.received_at)
    conclude = compute.subject_deadline(calendar, book, FAMILY, petition)
    petition.accept_due_at, petition.conclude_due_at = accept.due_at, conclude.due_at
    petition.deadline_at = petition.base_deadline_at = conclude.due_at
    petition.deadline_provisional = accept.provisional or conclude.provisional


def register(session: Session, *, actor: User | None, now: datetime, data: PetitionInput, source: str = "form",
             limits: Limits = DEFAULT_LIMITS, client_name: str = "") -> Petition:
    """Register, start the process, detect repeats. `actor` None means an API client (named)."""
    if actor is not None and not actor.has(Role.COORDINATOR):
        raise PermissionDenied("只有协调科可以登记信访件")
    validate(data, now)
    if find_duplicate(session, data) is not None:
        raise Conflict(f"外部编号 {data.external_ref} 已登记" if data.external_ref.strip() else "该信访件已登记")
    petition = _row(data, now, source, actor)
    _set_deadlines(session, petition, now)
    petition.number = lifecycle.number_for(session, FAMILY, now)
    petition.squad_id = getattr(squad_for_street(session, data.street), "id", None)
    session.add(petition)
    session.flush()
    petition.chain_id = petition.id
    via = {"form": "表单登记", "api": f"接口接收（{client_name}）", "import": "台账导入"}.get(source, source)
    lifecycle.start(session, FAMILY, petition, actor=actor, now=now, summary=f"登记信访件（{via}）",
                    details={"source": source, "external_ref": petition.external_ref})
    matches = detection.find_repeats(session, petition, window_days=limits.window_days)
    detection.record_candidates(session, petition, matches)
    if matches:
        audit.record(session, actor=actor, now=now, family=FAMILY.name, subject_id=petition.id,
                     action="repeat_candidates", summary=f"发现疑似重复 {len(matches)} 件",
                     details={"candidates": [m.petition_id for m in matches]})
    return petition
