"""Moving running instances to another version (系统管理员): choose source, target and a step mapping, dry run,
then migrate in batches (one transaction per instance); every move is audited and undone from its audit entry."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required
from sqlalchemy import select
from wtforms import IntegerField, SelectField, TextAreaField
from wtforms.validators import InputRequired, NumberRange

from models.audit import AuditEntry
from models.engine import ProcessMigration, ProcessVersion
from webapp.db import session
from webapp.extensions import actor
from webapp.fields import Form
from webapp.paging import paginate
from webapp.processes.common import admin_only, process_names, versions_by_process
from workflows import versions
from workflows.errors import Conflict

# Under /admin: the system administrator works only in the admin area (三员分立) and sees numbers, never case content.
bp = Blueprint("process_admin", __name__, url_prefix="/admin/processes")
STEP_ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]{0,63}$")


class MigrationForm(Form):
    source = SelectField("迁出版本", coerce=int, validators=[InputRequired("请选择迁出版本")])
    target = SelectField("迁入版本", coerce=int, validators=[InputRequired("请选择迁入版本")])
    mapping = TextAreaField("环节对应（可选）",
                            description="每行一条：原环节编号=新环节编号；未列出的环节按相同编号对应")
    batch = IntegerField("本批最多迁移", default=50,
                         validators=[InputRequired("请填写数量"), NumberRange(1, 500, "每批 1 到 500 件")])

    def parsed_mapping(self) -> dict[str, str] | None:
        found = {}
        for n, line in enumerate((self.mapping.data or "").splitlines(), 1):
            if not line.strip():
                continue
            old, sep, new = (part.strip() for part in line.partition("="))
            if not sep or not STEP_ID.match(old) or not STEP_ID.match(new):
                self.mapping.errors = [f"第 {n} 行格式不正确，应为“原环节编号=新环节编号”"]
                return None
            found[old] = new
        return found


def _form(process_id: str, rows: list[dict]) -> MigrationForm:
    form = MigrationForm()
    choices = [(r["id"], f"v{r['number']}{'（当前）' if r['current'] else ''} · {r['running']} 件办理中") for r in rows]
    form.source.choices = form.target.choices = choices
    if request.method == "GET":
        running = [r for r in rows if r["running"] and not r["current"]]
        form.source.data = running[0]["id"] if running else rows[0]["id"]
        form.target.data = next((r["id"] for r in rows if r["current"]), rows[-1]["id"])
    return form


@bp.route("/")
@login_required
def index():
    admin_only()
    db = session()
    names = process_names()
    versions = versions_by_process(db)
    return render_template("processes/index.html", pids=sorted(set(names) | set(versions)), names=names,
                           versions=versions, admin=True)


@bp.route("/<process_id>/migrate", methods=["GET", "POST"])
@login_required
def migrate(process_id: str):
    admin_only()
    db = session()
    rows = versions_by_process(db).get(process_id)
    if not rows:
        return render_template("error.html", status=404, message="流程不存在"), 404
    form = _form(process_id, rows)
    results, done = None, None
    if request.method == "POST" and form.validate():
        mapping = form.parsed_mapping()
        if form.source.data == form.target.data:
            form.target.errors = ["迁入版本不能与迁出版本相同"]
        elif mapping is not None:
            source, target = versions.version(db, form.source.data), versions.version(db, form.target.data)
            results = versions.dry_run(db, actor=actor(), source=source, target=target, mapping=mapping)
            if request.form.get("action") == "migrate":
                done = _batch(db, [c for c in results if c.check.can_move][:form.batch.data], target.id, mapping)
                flash(f"已迁移 {done[0]} 件" + (f"，{done[1]} 件因状态已变化未迁移" if done[1] else ""), "success")
                return redirect(url_for("process_admin.migrations", process_id=process_id))
    return render_template("processes/migrate.html", process_id=process_id, name=process_names().get(process_id, ""),
                           form=form, results=results), 400 if form.errors else 200


def _batch(db, movable, target_id: int, mapping: dict[str, str]) -> tuple[int, int]:
    """One transaction per instance: a failure rolls back that instance only and the batch goes on."""
    moved = failed = 0
    for candidate in movable:
        instance_id = candidate.instance.id
        try:
            versions.migrate_one(db, actor=actor(), now=datetime.now(UTC), instance_id=instance_id,
                                 target=db.get(ProcessVersion, target_id), mapping=mapping)
            db.commit()
            moved += 1
        except Conflict:
            db.rollback()
            failed += 1
    return moved, failed


@bp.route("/<process_id>/migrations")
@login_required
def migrations(process_id: str):
    admin_only()
    db = session()
    query = (select(ProcessMigration).join(ProcessVersion, ProcessVersion.id == ProcessMigration.to_version_id)
             .where(ProcessVersion.process_id == process_id))
    page = paginate(db, query, ProcessMigration.migrated_at.desc(), unique=ProcessMigration.id.desc())
    ids = [m.id for m in page.rows]
    entries = {}
    for entry in db.scalars(select(AuditEntry).where(AuditEntry.action == versions.ACTION_MIGRATE,
                                                     AuditEntry.family.in_({m.family for m in page.rows}),
                                                     AuditEntry.subject_id.in_({m.subject_id for m in page.rows}))):
        if entry.details.get("migration_id") in ids:
            entries[entry.details["migration_id"]] = entry
    numbers = dict(db.execute(select(ProcessVersion.id, ProcessVersion.number)
                              .where(ProcessVersion.process_id == process_id)).tuples().all())
    from webapp import subjects

    labels = subjects.labels(db, [(m.family, m.subject_id) for m in page.rows])
    return render_template("processes/migrations.html", process_id=process_id, page=page, entries=entries,
                           numbers=numbers, labels=labels, name=process_names().get(process_id, ""),
                           url_for_subject=subjects.url_for_subject)


@bp.route("/migrations/<int:entry_id>/undo", methods=["POST"])
@login_required
def undo_migration(entry_id: int):
    admin_only()
    db = session()
    record = versions.undo(db, actor=actor(), now=datetime.now(UTC), entry_id=entry_id)
    db.commit()
    flash("已撤销迁移，事项恢复为原版本", "success")
    process_id = db.get(ProcessVersion, record.from_version_id).process_id
    return redirect(url_for("process_admin.migrations", process_id=process_id))
