"""The migrations build exactly the schema the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from models import Base
from webapp.migrate import alembic_config


def test_migrations_match_the_models(connection):
    context = MigrationContext.configure(connection, opts={"compare_type": False})
    dialect = connection.dialect.name
    diffs = [d for d in compare_metadata(context, Base.metadata) if not _ignorable(d, dialect)]
    assert diffs == []


def _ignorable(diff, dialect: str) -> bool:
    # SQLite reflects no server defaults for some types; an index declared for another dialect only
    # (`Index.ddl_if(dialect=...)`, e.g. the PostgreSQL trigram index) is not expected here. Nothing else.
    if isinstance(diff, tuple) and diff[0] == "add_index":
        declared = {i.name: i for t in Base.metadata.tables.values() for i in t.indexes}.get(diff[1].name)
        only = getattr(declared, "_ddl_if", None)
        return only is not None and only.dialect not in (None, dialect)
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
