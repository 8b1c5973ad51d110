"""Supervised items (督办件) of the six instructed kinds."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, Enum, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime
from models.org import Squad, User
from models.subjects import ClockMixin

FAMILY_INSTRUCTED = "instructed_item"


class ItemKind(enum.IntEnum):
    CITY_LEADER = 1  # 市委、市政府领导批示
    MINISTRY_LEADER = 2  # 住建部领导批示
    CITY_COMMISSION_LEADER = 3  # 市建设交通工作党委、市住房城乡建设管理委领导批示
    CITY_BUREAU_LEADER = 4  # 市局领导批示
    MEDIA_EXPOSURE = 5  # 新闻媒体曝光
    PUBLIC_OPINION = 6  # 舆情监控交办

    @property
    def label(self) -> str:
        return KIND_LABELS[self]

    @property
    def short_label(self) -> str:
        return KIND_SHORT_LABELS[self]

    @property
    def needs_signoff(self) -> bool:
        """City- and ministry-level instructions (kinds 1–3) need a bureau leader's sign-off."""
        return self <= ItemKind.CITY_COMMISSION_LEADER


KIND_LABELS = {
    ItemKind.CITY_LEADER: "市委、市政府领导批示",
    ItemKind.MINISTRY_LEADER: "住建部领导批示",
    ItemKind.CITY_COMMISSION_LEADER: "市建设交通工作党委、市住房城乡建设管理委领导批示",
    ItemKind.CITY_BUREAU_LEADER: "市局领导批示",
    ItemKind.MEDIA_EXPOSURE: "新闻媒体曝光",
    ItemKind.PUBLIC_OPINION: "舆情监控交办",
}
KIND_SHORT_LABELS = {
    ItemKind.CITY_LEADER: "市领导批示",
    ItemKind.MINISTRY_LEADER: "住建部批示",
    ItemKind.CITY_COMMISSION_LEADER: "市建委批示",
    ItemKind.CITY_BUREAU_LEADER: "市局批示",
    ItemKind.MEDIA_EXPOSURE: "媒体曝光",
    ItemKind.PUBLIC_OPINION: "舆情交办",
}


class ItemStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class SupervisedItem(ClockMixin, Base):
    __tablename__ = "supervised_item"
    __table_args__ = (
        CheckConstraint("kind BETWEEN 1 AND 6", name="kind_range"),
        CheckConstraint("status IN ('open', 'closed')", name="status_values"),
        CheckConstraint("status = 'open' OR closed_at IS NOT NULL", name="closed_has_time"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[ItemKind] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    source_doc_number: Mapped[str] = mapped_column(String(64), default="")
    instructing_leader: Mapped[str] = mapped_column(String(64), default="")
    instruction_text: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    needs_study: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(
        Enum(ItemStatus, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e]),
        default=ItemStatus.OPEN,
        index=True,
    )
    lead_squad_id: Mapped[int | None] = mapped_column(ForeignKey("squad.id"), index=True)
    handler_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    current_step_name: Mapped[str] = mapped_column(String(64), default="")
    return_count: Mapped[int] = mapped_column(Integer, default=0)
    rectify_count: Mapped[int] = mapped_column(Integer, default=0)
    satisfaction: Mapped[str | None] = mapped_column(String(16))
    replied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)  # None: by the API
    api_client_name: Mapped[str] = mapped_column(String(64), default="", server_default="")
    external_ref: Mapped[str | None] = mapped_column(String(64), unique=True)  # the city system's own number
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"))

    lead_squad: Mapped[Squad | None] = relationship()
    registered_by: Mapped[User | None] = relationship(foreign_keys=[registered_by_id])
    handler: Mapped[User | None] = relationship(foreign_keys=[handler_id])

    @property
    def kind_enum(self) -> ItemKind:
        return ItemKind(self.kind)
