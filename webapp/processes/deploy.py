"""Deploying the BPMN folder as process versions: at start-up and with `flask deploy-bpmn` (the files were parsed
and validated by `workflows.engine.configure` before either runs; a broken file refuses start-up)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy.exc import SQLAlchemyError

from workflows import versions

log = logging.getLogger("duban.processes")


def deploy(database) -> list[str]:
    """One line per process: its current version and whether it was new."""
    db = database.new_session()
    try:
        found = versions.deploy_all(db, datetime.now(UTC))
        db.commit()
    finally:
        db.close()
    return [f"{v.process_id}: v{v.number}{'（新版本）' if new else ''}" for v, new in found]


def at_startup(app: Flask) -> None:
    """New and changed models become versions when the app starts; a database not yet migrated (or another
    worker deploying the same version at the same moment) only postpones it to the next start or first use."""
    try:
        for line in deploy(app.extensions["duban.db"]):
            if "新版本" in line:
                log.info("deployed %s", line)
    except SQLAlchemyError as exc:
        log.warning("BPMN versions not deployed at start-up: %s", exc.__class__.__name__)


@click.command("deploy-bpmn")
@with_appcontext
def deploy_command() -> None:
    """Validate every file in BPMN_FOLDER and store changed processes as new versions."""
    for line in deploy(current_app.extensions["duban.db"]):
        click.echo(line)
