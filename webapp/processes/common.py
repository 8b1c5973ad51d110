"""The 流程目录 blueprint (diagram data, catalogue, version migration) and what its route modules share."""

from __future__ import annotations

from flask import Blueprint
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.engine import ProcessInstance, ProcessVersion
from models.org import Role
from webapp.extensions import actor
from workflows import engine
from workflows.errors import PermissionDenied

bp = Blueprint("processes", __name__, url_prefix="/processes")


def catalogue_reader() -> None:
    if not actor().has(Role.COORDINATOR):
        raise PermissionDenied("只有协调科可以查看流程目录（系统管理员在系统管理中迁移流程版本）")


def admin_only() -> None:
    if not actor().has(Role.SYSTEM_ADMIN):
        raise PermissionDenied("只有系统管理员可以迁移流程实例")


def process_names() -> dict[str, str]:
    return {pid: p.name for pid, p in engine.processes().items()}


def versions_by_process(db: Session) -> dict[str, list[dict]]:
    """Every deployed version per process id, oldest first, with its running-instance count."""
    running = dict(db.execute(select(ProcessInstance.version_id, func.count(ProcessInstance.id))
                              .where(ProcessInstance.status == "running")
                              .group_by(ProcessInstance.version_id)).tuples().all())
    current = {p.process_id: p.sha256 for p in engine.processes().values()}
    found: dict[str, list[dict]] = {}
    for v in db.execute(select(ProcessVersion.id, ProcessVersion.process_id, ProcessVersion.number,
                               ProcessVersion.sha256, ProcessVersion.created_at).order_by(ProcessVersion.number)):
        found.setdefault(v.process_id, []).append({
            "id": v.id, "number": v.number, "sha": v.sha256[:10], "created_at": v.created_at,
            "running": running.get(v.id, 0), "current": v.sha256 == current.get(v.process_id)})
    return found
