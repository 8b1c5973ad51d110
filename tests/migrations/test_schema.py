"""The migrations build exactly the schema the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from models import Base
from webapp.migrate import alembic_config


def test_migrations_match_the_models(connection):
    context = MigrationContext.configure(connection, opts={"compare_type": False})
    diffs = [d for d in compare_metadata(context, Base.metadata) if not _ignorable(d)]
    assert diffs == []


def _ignorable(diff) -> bool:
    # SQLite reflects no server defaults for some types; nothing else is ignored.
    return isinstance(diff, list) and diff and diff[0][0] == "modify_default"


def test_there_is_a_single_head():
    heads = ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads()
    assert len(heads) == 1, f"merge the migration heads: {heads}"


def test_work_item_ids_are_never_reused_on_sqlite(connection):
    """A stale page's button must never act on another step: SQLite keeps AUTOINCREMENT through migrations."""
    from sqlalchemy import text

    if connection.dialect.name != "sqlite":
        return
    sql = connection.execute(text("SELECT sql FROM sqlite_master WHERE name = 'work_item'")).scalar()
    assert "AUTOINCREMENT" in sql.upper()
