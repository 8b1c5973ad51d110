"""Registering a petition: from the form, the REST API or a ledger row. Validation lives here so that
all three entrances refuse the same things with the same Chinese messages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.org import Role, Squad, User
from models.petitions import CHANNELS, FAMILY_PETITION, Petition
from workflows import audit, engine, numbering
from workflows.calendar import load_calendar
from workflows.errors import Conflict, InvalidInput, PermissionDenied
from workflows.petitions import detection, normalize
from workflows.petitions.deadlines import DEFAULT_LIMITS, Limits, petition_deadlines
from workflows.petitions.process import PROCESS_ID, after_advance

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


def _next_number(session: Session, now: datetime) -> str:
    return numbering.allocate(session, scope=FAMILY_PETITION, column=Petition.number,
                              prefix=lambda year: f"信{year}-", width=5, now=now)


def squad_for_street(session: Session, street: str) -> Squad | None:
    return session.scalar(select(Squad).where(Squad.street == street.strip())) if street.strip() else None


def find_duplicate(session: Session, data: PetitionInput) -> Petition | None:
    """The petition already taken for the same external reference, or (without one) the same content."""
    if data.external_ref.strip():
        return session.scalar(select(Petition).where(Petition.external_ref == data.external_ref.strip()))
    digest = normalize.content_hash(data.received_at.isoformat(), data.petitioner_phone, data.address, data.content)
    return session.scalar(select(Petition).where(Petition.content_hash == digest).limit(1))


def _row(data: PetitionInput, number: str, now: datetime, source: str, actor: User | None, limits: Limits,
         calendar) -> Petition:
    accept, conclude = petition_deadlines(calendar, data.received_at, limits)
    return Petition(
        number=number, channel=data.channel, petitioner_name=data.petitioner_name.strip(),
        petitioner_phone=data.petitioner_phone.strip(), petitioner_id_no=data.petitioner_id_no.strip().upper(),
        phone_norm=normalize.phone_norm(data.petitioner_phone), id_norm=normalize.id_norm(data.petitioner_id_no),
        address=data.address.strip(), address_key=normalize.address_key(data.address), street=data.street.strip(),
        category=data.category.strip(), content=data.content.strip(), received_at=data.received_at,
        external_ref=data.external_ref.strip() or None, source=source, status="open",
        content_hash=normalize.content_hash(data.received_at.isoformat(), data.petitioner_phone, data.address,
                                            data.content),
        accept_due_at=accept.due_at, conclude_due_at=conclude.due_at,
        deadline_provisional=accept.provisional or conclude.provisional,
        registered_by_id=actor.id if actor else None, registered_at=now,
    )


def register(session: Session, *, actor: User | None, now: datetime, data: PetitionInput, source: str = "form",
             limits: Limits = DEFAULT_LIMITS, client_name: str = "") -> Petition:
    """Register, start the process, detect repeats. `actor` None means an API client (named)."""
    if actor is not None and not actor.has(Role.COORDINATOR):
        raise PermissionDenied("只有协调科可以登记信访件")
    validate(data, now)
    if find_duplicate(session, data) is not None:
        raise Conflict(f"外部编号 {data.external_ref} 已登记" if data.external_ref.strip() else "该信访件已登记")
    calendar = load_calendar(session)
    petition = _row(data, _next_number(session, now), now, source, actor, limits, calendar)
    petition.squad_id = getattr(squad_for_street(session, data.street), "id", None)
    session.add(petition)
    session.flush()
    petition.chain_id = petition.id
    version = engine.deploy(session, engine.get_process(PROCESS_ID), now)
    instance, snapshot = engine.start(session, version, FAMILY_PETITION, petition.id,
                                      {"petition_id": petition.id, "reopen": False}, now)
    session.flush()
    petition.instance_id = instance.id
    after_advance(session, petition, instance, snapshot, calendar, now, limits)
    matches = detection.find_repeats(session, petition, window_days=limits.window_days)
    detection.record_candidates(session, petition, matches)
    via = {"form": "表单登记", "api": f"接口接收（{client_name}）", "import": "台账导入"}.get(source, source)
    audit.record(session, actor=actor, now=now, family=FAMILY_PETITION, subject_id=petition.id, action="register",
                 summary=f"登记信访件（{via}）" + (f"，发现疑似重复 {len(matches)} 件" if matches else ""),
                 details={"number": petition.number, "source": source, "external_ref": petition.external_ref,
                          "candidates": [m.petition_id for m in matches]})
    return petition
