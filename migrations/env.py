"""Alembic environment: the URL comes from the config option, else DATABASE_URL, else config.py."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

import models
from config import Config

target_metadata = models.Base.metadata


def _url() -> str:
    return context.config.get_main_option("sqlalchemy.url") or Config.DATABASE_URL or Config.DEFAULT_DATABASE_URL


def run_offline() -> None:
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = create_engine(_url())
    with engine.connect() as conn:
        _run(conn)
        conn.commit()


def _run(connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True,
                      compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
