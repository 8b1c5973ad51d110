"""Engine persistence: deployed process versions, instance state and the open-work projection."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime


class ProcessVersion(Base):
    """One parsed BPMN process, stored once per distinct source (sha256)."""

    __tablename__ = "process_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[str] = mapped_column(String(64), index=True)
    number: Mapped[int] = mapped_column(Integer)  # v1, v2, ... per process, in order of deployment
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    spec_json: Mapped[str] = mapped_column(Text)
    bpmn_xml: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (UniqueConstraint("process_id", "number", name="process_version_number"),)


class ProcessInstance(Base):
    """One running workflow: its engine state as one JSON document, guarded by lock_version."""

    __tablename__ = "process_instance"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("process_version.id"))
    family: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(Text)
    serializer_version: Mapped[str] = mapped_column(String(16))
    lock_version: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(16), default="running")
    next_timer_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_process_instance_subject", "family", "subject_id"),)
    __mapper_args__ = {"version_id_col": lock_version}


class WorkItem(Base):
    """Projection of one open human step; rebuilt on every save so worklists never load a workflow."""

    __tablename__ = "work_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id", ondelete="CASCADE"), index=True)
    task_uuid: Mapped[str] = mapped_column(String(36), unique=True)
    family: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[int] = mapped_column(Integer)
    subject_number: Mapped[str] = mapped_column(String(40))
    subject_title: Mapped[str] = mapped_column(String(200))
    step: Mapped[str] = mapped_column(String(64))
    step_name: Mapped[str] = mapped_column(String(64))
    step_group: Mapped[str] = mapped_column(String(32))
    squad_id: Mapped[int | None] = mapped_column(ForeignKey("squad.id"), index=True)
    section_id: Mapped[int | None] = mapped_column(ForeignKey("section.id"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    due_provisional: Mapped[bool] = mapped_column(default=False)
    # Deadline ladder (workflows.deadlines): the next warning/alert moment and the last stage sent.
    next_alert_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    alert_stage: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Reached the overdue stage at least once (kept when a new due time resets the stage): its overdue
    # evidence is resolved when the step closes.
    overdue_seen: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    # Task operations (workflows.tasks): who claimed it and when, the completed step that opened it (for 撤回),
    # and delegation (委派): the owner it returns to, and the delegate's draft of the step's values.
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    opened_by_task: Mapped[str | None] = mapped_column(String(36), index=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    delegated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    draft: Mapped[dict | None] = mapped_column(JSON)

    # Ids are never reused (SQLite would hand a deleted row's id to the next step): a stale page's
    # claim button must not act on another step.
    __table_args__ = (Index("ix_work_item_subject", "family", "subject_id"), {"sqlite_autoincrement": True})


class ProcessMigration(Base):
    """One running instance moved to another version of its process by an administrator: the state it had
    before (so the move can be undone from its audit entry) and the instance's lock version right after it."""

    __tablename__ = "process_migration"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id", ondelete="CASCADE"), index=True)
    family: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[int] = mapped_column(Integer)
    from_version_id: Mapped[int] = mapped_column(ForeignKey("process_version.id"))
    to_version_id: Mapped[int] = mapped_column(ForeignKey("process_version.id"))
    mapping: Mapped[dict] = mapped_column(JSON, default=dict)
    old_state: Mapped[str] = mapped_column(Text)
    old_steps: Mapped[list] = mapped_column(JSON, default=list)  # [task_uuid, step, step_name] of open work before
    lock_version_after: Mapped[int] = mapped_column(Integer)
    migrated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    migrated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    undone_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
