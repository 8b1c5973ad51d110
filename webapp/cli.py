"""`flask` commands: db-upgrade, load-demo, create-user, audit-verify."""

from __future__ import annotations

from datetime import UTC, datetime

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select

from models.org import Role, Section, Squad, User
from webapp import migrate
from workflows import audit, subjects, users
from workflows.errors import InvalidInput


def _db():
    return current_app.extensions["duban.db"].new_session()


@click.command("db-upgrade")
@with_appcontext
def db_upgrade() -> None:
    """Apply all migrations to DATABASE_URL."""
    migrate.upgrade(current_app.config["DATABASE_URL"])
    db = _db()
    projected = subjects.rebuild(db, datetime.now(UTC))
    rekeyed = audit.adopt_legacy(db)  # entries from before the keyed chain get this installation's key
    db.commit()
    click.echo("数据库已迁移到最新版本" + (f"；补建督办事项索引 {projected} 条" if projected else "")
               + (f"；旧审计记录加密钥 {rekeyed} 条" if rekeyed else ""))


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
    """Create a user (the password policy applies; the user changes the password at the first log-in)."""
    from webapp.auth.common import policy

    db = _db()
    squad = db.scalar(select(Squad).where(Squad.name == unit)) if unit else None
    section = db.scalar(select(Section).where(Section.name == unit)) if unit else None
    data = users.UserData(username=username, name=name, roles=[Role(role)], squad_id=squad.id if squad else None,
                          section_id=section.id if section else None)
    try:
        users.create_user(db, actor=None, now=datetime.now(UTC), data=data, password=password, policy=policy())
    except InvalidInput as exc:
        raise click.ClickException(exc.message) from exc
    db.commit()
    click.echo(f"已创建用户 {username}（首次登录须修改密码）")


@click.command("audit-verify")
@with_appcontext
def audit_verify() -> None:
    """Check the whole audit trail (MACs, chains, the global sequence, seals, the seal file); non-zero on damage."""
    from workflows import audit_seals

    report = audit_seals.verify(_db(), path=current_app.config["AUDIT_SEAL_FILE"] or None)
    if not report.intact:
        raise click.ClickException(f"审计记录被改动（{len(report.problems)} 处）：" + "；".join(report.problems[:20]))
    click.echo(f"审计链完整：{report.entries} 条记录，{report.subjects} 个对象，{report.seals} 个封存点")


@click.command("audit-seal")
@with_appcontext
def audit_seal() -> None:
    """Write a seal of the audit trail now (the scheduler does it every AUDIT_SEAL_MINUTES)."""
    from workflows import audit_seals

    db = _db()
    row = audit_seals.seal(db, datetime.now(UTC), path=current_app.config["AUDIT_SEAL_FILE"] or None, force=True)
    db.commit()
    click.echo(f"已封存：第 {row.no} 号，覆盖全局序号 1–{row.last_gseq}，{row.chains} 个对象")


def init_app(app: Flask) -> None:
    for command in (db_upgrade, load_demo, create_user, audit_verify, audit_seal):
        app.cli.add_command(command)
    from webapp.deadlines.cli import scheduler_command, tick_command

    app.cli.add_command(scheduler_command)
    app.cli.add_command(tick_command)
    from webapp.petitions import commands as petition_commands

    petition_commands.register(app)
    from webapp.scores import commands as score_commands

    score_commands.register(app)
    from webapp.processes.deploy import deploy_command

    app.cli.add_command(deploy_command)
