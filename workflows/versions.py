"""Process versions and the migration of running instances between them (by an administrator).

A changed .bpmn file becomes a new version when deployed (at start-up, `flask deploy-bpmn`, or the first subject
started on it), after the engine validated it. New subjects start on the current version; running ones keep
theirs. An administrator may move running instances: a step mapping (same ids by default), a dry run that says
which can move and why the others cannot, then one transaction per instance, each audited on its subject and
undoable from that audit entry while the instance has not moved on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from models.audit import AuditEntry
from models.engine import ProcessInstance, ProcessMigration, ProcessVersion, WorkItem
from models.org import Role, User
from workflows import audit, engine, families
from workflows.engine import migration as engine_migration
from workflows.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from workflows.tasks import lifecycle

ACTION_MIGRATE, ACTION_UNDO = "process_migrated", "process_migration_undone"


def deploy_all(session: Session, now: datetime) -> list[tuple[ProcessVersion, bool]]:
    """Store every loaded (validated) process as a version; (version, newly created) per process."""
    found = []
    for parsed in engine.processes().values():
        known = session.scalar(select(ProcessVersion.id).where(ProcessVersion.sha256 == parsed.sha256))
        found.append((engine.deploy(session, parsed, now), known is None))
    return found


def _admin(actor: User) -> None:
    if not actor.has(Role.SYSTEM_ADMIN):
        raise PermissionDenied("只有系统管理员可以迁移流程实例")


def version(session: Session, version_id: int) -> ProcessVersion:
    found = session.get(ProcessVersion, version_id)
    if found is None:
        raise NotFound("流程版本不存在")
    return found


@dataclass
class Candidate:
    instance: ProcessInstance
    number: str
    title: str
    check: engine_migration.MigrationCheck


def dry_run(session: Session, *, actor: User, source: ProcessVersion, target: ProcessVersion,
            mapping: dict[str, str], limit: int = 500) -> list[Candidate]:
    """Which running instances of `source` could move to `target`, and why not (nothing changes)."""
    _admin(actor)
    if source.process_id != target.process_id:
        raise InvalidInput("目标版本必须属于同一流程", "target")
    instances = session.scalars(select(ProcessInstance).where(
        ProcessInstance.version_id == source.id, ProcessInstance.status == "running")
        .order_by(ProcessInstance.id).limit(limit)).all()
    labels = _labels(session, instances)
    return [Candidate(i, *labels.get((i.family, i.subject_id), ("", "")),
                      engine_migration.check(session, i, target, mapping)) for i in instances]


def _labels(session: Session, instances) -> dict[tuple[str, int], tuple[str, str]]:
    from models.subjects import Subject

    ids = {i.subject_id for i in instances}
    rows = session.execute(select(Subject.family, Subject.subject_id, Subject.number, Subject.title)
                           .where(Subject.subject_id.in_(ids))) if ids else []
    return {(r.family, r.subject_id): (r.number, r.title) for r in rows}


def migrate_one(session: Session, *, actor: User, now: datetime, instance_id: int, target: ProcessVersion,
                mapping: dict[str, str]) -> ProcessMigration:
    """Move one instance (the caller commits once per instance). Locks the subject first, then the instance."""
    _admin(actor)
    found = session.get(ProcessInstance, instance_id)
    if found is None:
        raise NotFound("流程实例不存在")
    fam = families.get(found.family)
    subject = families.lock(session, fam.name, found.subject_id)
    old_steps = [[w.task_uuid, w.step, w.step_name] for w in _work(session, instance_id)]
    try:
        old_state, old_version, snapshot = engine_migration.migrate(session, instance_id, target, mapping, now)
    except engine_migration.MigrationRefused as exc:
        raise Conflict("不能迁移：" + "；".join(exc.reasons)) from exc
    _relabel_work(session, instance_id, snapshot)
    lifecycle.after_advance(session, fam, subject, snapshot.instance, snapshot, now)
    session.flush()
    record = ProcessMigration(
        instance_id=instance_id, family=fam.name, subject_id=subject.id, from_version_id=old_version,
        to_version_id=target.id, mapping=dict(mapping), old_state=old_state, old_steps=old_steps,
        lock_version_after=snapshot.instance.lock_version, migrated_by_id=actor.id, migrated_at=now)
    session.add(record)
    session.flush()
    source = session.get(ProcessVersion, old_version)
    audit.record(session, actor=actor, now=now, family=fam.name, subject_id=subject.id, action=ACTION_MIGRATE,
                 summary=f"流程由 v{source.number} 迁移到 v{target.number}",
                 details={"migration_id": record.id, "from_version_id": old_version, "to_version_id": target.id,
                          "mapping": dict(mapping)})
    return record


def _work(session: Session, instance_id: int) -> list[WorkItem]:
    return list(session.scalars(select(WorkItem).where(WorkItem.instance_id == instance_id).order_by(WorkItem.id)))


def _relabel_work(session: Session, instance_id: int, snapshot) -> None:
    """Open steps keep their task ids across a migration; their step id and name follow the target version."""
    for step in snapshot.ready:
        session.execute(update(WorkItem).where(WorkItem.task_uuid == step.task_uuid)
                        .values(step=step.step, step_name=step.name, step_group=step.group))


def undo(session: Session, *, actor: User, now: datetime, entry_id: int) -> ProcessMigration:
    """Undo a migration from its audit entry, if the instance has not advanced since."""
    _admin(actor)
    entry = session.get(AuditEntry, entry_id)
    if entry is None or entry.action != ACTION_MIGRATE:
        raise NotFound("迁移记录不存在")
    record = session.get(ProcessMigration, entry.details.get("migration_id"))
    if record is None:
        raise NotFound("迁移记录不存在")
    fam = families.get(record.family)
    subject = families.lock(session, fam.name, record.subject_id)
    instance = session.get(ProcessInstance, record.instance_id, populate_existing=True)
    if record.undone_at is not None:
        raise Conflict("该迁移已撤销")
    if instance.lock_version != record.lock_version_after:
        raise Conflict("迁移后该事项已继续办理，不能撤销迁移")
    snapshot = engine_migration.restore(session, record.instance_id, record.old_state, record.from_version_id, now)
    for task_uuid, step, step_name in record.old_steps:
        session.execute(update(WorkItem).where(WorkItem.task_uuid == task_uuid).values(step=step, step_name=step_name))
    lifecycle.after_advance(session, fam, subject, snapshot.instance, snapshot, now)
    record.undone_at, record.undone_by_id = now, actor.id
    back = session.get(ProcessVersion, record.from_version_id)
    audit.record(session, actor=actor, now=now, family=fam.name, subject_id=subject.id, action=ACTION_UNDO,
                 summary=f"撤销流程迁移，恢复为 v{back.number}", details={"migration_id": record.id})
    session.flush()
    return record
