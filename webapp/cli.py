"""`flask` commands: db-upgrade, load-demo, create-user, audit-verify."""

from __future__ import annotations

from datetime import UTC, datetime

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from models.audit import AuditEntry
from models.org import Role, Section, Squad, User
from webapp import migrate
from workflows import audit, subjects


def _db():
    return current_app.extensions["duban.db"].new_session()


@click.command("db-upgrade")
@with_appcontext
def db_upgrade() -> None:
    """Apply all migrations to DATABASE_URL."""
    migrate.upgrade(current_app.config["DATABASE_URL"])
    db = _db()
    projected = subjects.rebuild(db, datetime.now(UTC))
    db.commit()
    click.echo("数据库已迁移到最新版本" + (f"；补建督办事项索引 {projected} 条" if projected else ""))


@click.command("load-demo")
@with_appcontext
@click.option("--if-empty", is_flag=True, help="Only when the database holds no users yet.")
@click.option("--items", default=200, show_default=True, help="Instructed items.")
@click.option("--petitions", default=160, show_default=True, help="Petition matters (each may have repeats).")
def load_demo(if_empty: bool, items: int, petitions: int) -> None:
    """Load the demo bureau: 10 squads, sections, users of every role and supervised items."""
    from webapp.demo import load

    db = _db()
    if if_empty and db.scalar(select(func.count(User.id))):
        click.echo("数据库已有数据，跳过演示数据")
        return
    summary = load(db, now=datetime.now(UTC), item_count=items, petition_matters=petitions)
    db.commit()
    click.echo(summary)


@click.command("create-user")
@with_appcontext
@click.argument("username")
@click.argument("name")
@click.argument("role", type=click.Choice([r.value for r in Role]))
@click.option("--unit", default="", help="Squad or section name for squad and section roles.")
@click.password_option()
def create_user(username: str, name: str, role: str, unit: str, password: str) -> None:
    db = _db()
    squad = db.scalar(select(Squad).where(Squad.name == unit)) if unit else None
    section = db.scalar(select(Section).where(Section.name == unit)) if unit else None
    db.add(User(username=username, name=name, role=Role(role), password_hash=generate_password_hash(password),
                squad_id=squad.id if squad else None, section_id=section.id if section else None,
                active=True, created_at=datetime.now(UTC)))
    db.commit()
    click.echo(f"已创建用户 {username}")


@click.command("audit-verify")
@with_appcontext
def audit_verify() -> None:
    """Check every subject's audit chain; exits non-zero when an entry was altered."""
    db = _db()
    subjects = db.execute(select(AuditEntry.family, AuditEntry.subject_id).distinct()).all()
    broken = []
    for family, subject_id in subjects:
        seq = audit.verify_chain(audit.timeline(db, family, subject_id))
        if seq is not None:
            broken.append(f"{family}#{subject_id} seq {seq}")
    if broken:
        raise click.ClickException("审计记录被改动：" + "; ".join(broken))
    click.echo(f"审计链完整：{len(subjects)} 个对象")


def init_app(app: Flask) -> None:
    for command in (db_upgrade, load_demo, create_user, audit_verify):
        app.cli.add_command(command)
    from webapp.deadlines.cli import scheduler_command, tick_command

    app.cli.add_command(scheduler_command)
    app.cli.add_command(tick_command)
    from webapp.petitions import commands as petition_commands

    petition_commands.register(app)
