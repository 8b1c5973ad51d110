"""`flask create-api-client NAME` and `flask petition-callback-plans [--month YYYY-MM]`."""

from __future__ import annotations

from datetime import UTC, datetime

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from workflows.errors import DomainError
from workflows.petitions import api_clients, callbacks, months


def _db():
    return current_app.extensions["duban.db"].new_session()


@click.command("create-api-client")
@with_appcontext
@click.argument("name")
def create_api_client(name: str) -> None:
    """Create an API client and print its token (shown only this once)."""
    db = _db()
    try:
        client, token = api_clients.create_client(db, name=name, now=datetime.now(UTC))
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc
    db.commit()
    click.echo(f"已创建接口客户端 {client.name}。访问令牌（仅显示这一次，请妥善保存）：")
    click.echo(token)


@click.command("petition-callback-plans")
@with_appcontext
@click.option("--month", default=None, help="YYYY-MM; default: the current month (run at the start of a month).")
@click.option("--percent", default=None, type=int, help="Sample percentage of non-repeat petitions.")
def petition_callback_plans(month: str | None, percent: int | None) -> None:
    """Propose this month's callback plan for every squad that has none yet."""
    from webapp.petitions.common import limits

    db = _db()
    now = datetime.now(UTC)
    try:
        plans = callbacks.propose_month(db, actor=None, now=now, month=month or months.of(now),
                                        sample_percent=limits().sample_percent if percent is None else percent)
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc
    db.commit()
    click.echo(f"已生成 {len(plans)} 个回访计划")


def register(app: Flask) -> None:
    for command in (create_api_client, petition_callback_plans):
        app.cli.add_command(command)
