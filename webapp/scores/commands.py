"""`flask score-rebuild`: bring the score ledger in line with the recorded events and the rules in force."""

from __future__ import annotations

from datetime import UTC, datetime

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from workflows.scoring import ledger


@click.command("score-rebuild")
@with_appcontext
def score_rebuild() -> None:
    """Rebuild the score ledger of every unlocked month (idempotent)."""
    db = current_app.extensions["duban.db"].new_session()
    result = ledger.rebuild(db, now=datetime.now(UTC))
    db.commit()
    click.echo(f"考核台账已重算：新增 {result.added} 条，变更 {result.changed} 条，删除 {result.removed} 条；"
               f"已锁定考核期内的新事件 {result.frozen} 条未计入")


def register(app: Flask) -> None:
    app.cli.add_command(score_rebuild)
