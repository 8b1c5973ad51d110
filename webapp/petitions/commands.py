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
@click.option("--scope", "scopes", multiple=True, default=("petitions:write",), show_default=True,
              help="petitions:write, subjects:read, changes:read (repeat for several).")
@click.option("--days", type=click.IntRange(1, 3650), default=None, help="The token expires after this many days.")
def create_api_client(name: str, scopes: tuple[str, ...], days: int | None) -> None:
    """Create an API client and print its token (shown only this once)."""
    from datetime import timedelta

    db = _db()
    now = datetime.now(UTC)
    try:
        client, token = api_clients.create_client(db, name=name, now=now, scopes=tuple(scopes),
                                                  expires_at=now + timedelta(days=days) if days else None)
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc
    db.commit()
    click.echo(f"已创建接口客户端 {client.name}。访问令牌（仅显示这一次，请妥善保存）：")
    click.echo(token)


@click.command("add-webhook")
@with_appcontext
@click.argument("client_name")
@click.argument("url")
def add_webhook(client_name: str, url: str) -> None:
    """Register a webhook URL for an API client and print its signing secret (shown only this once)."""
    from sqlalchemy import select

    from models.petitions import ApiClient
    from workflows import webhooks

    db = _db()
    client = db.scalar(select(ApiClient).where(ApiClient.name == client_name))
    if client is None:
        raise click.ClickException(f"接口客户端 {client_name} 不存在")
    try:
        hook, secret = webhooks.register(db, client=client, url=url, now=datetime.now(UTC))
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc
    db.commit()
    click.echo(f"已为 {client.name} 登记回调 {hook.url}。签名密钥（HMAC-SHA256，仅显示这一次）：")
    click.echo(secret)


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


@click.command("pii-rotate")
@with_appcontext
@click.option("--batch", default=500, show_default=True, type=click.IntRange(1, 100_000),
              help="Rows re-encrypted per transaction.")
def pii_rotate(batch: int) -> None:
    """Re-encrypt petitioners' phone and ID numbers (and ledger rows) with the current PII_KEY.

    Put the old key into PII_OLD_KEYS first. Each batch commits: an interrupted run resumes where it stopped and
    the application keeps reading and matching both keys meanwhile. Audited when it completes."""
    from models import pii
    from workflows.petitions import personal

    db, total = _db(), personal.Rotation()
    while True:
        try:
            done = personal.rotate_batch(db, batch=batch)
        except pii.PiiKeyError as exc:
            db.rollback()
            raise click.ClickException(str(exc)) from exc
        db.commit()
        total.petitions, total.jobs = total.petitions + done.petitions, total.jobs + done.jobs
        if done.petitions + done.jobs == 0:
            break
        click.echo(f"……已重新加密信访件 {total.petitions} 件、台账导入 {total.jobs} 批")
    personal.record_rotation(db, actor=None, now=datetime.now(UTC), total=total)
    db.commit()
    click.echo(f"个人信息已全部由密钥 {pii.current_kid()} 加密（本次重新加密信访件 {total.petitions} 件、"
               f"台账导入 {total.jobs} 批）；确认无误后可从 PII_OLD_KEYS 中删除旧密钥")


def register(app: Flask) -> None:
    for command in (create_api_client, add_webhook, petition_callback_plans, pii_rotate):
        app.cli.add_command(command)
