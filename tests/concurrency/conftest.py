"""Committed data on the test database (its own engine; truncated afterwards). These tests need a file or
server database; they run on SQLite and, in CI, on PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import text

import models
from tests.conftest import TEST_URL


def truncate(engine) -> None:
    tables = [t.name for t in models.Base.metadata.sorted_tables]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
        else:
            for name in reversed(tables):
                conn.execute(text(f'DELETE FROM "{name}"'))


@pytest.fixture
def committed(db_engine):
    from webapp.db import make_engine

    if TEST_URL in ("sqlite://", "sqlite:///:memory:"):
        pytest.skip("needs a file or server database")
    engine = make_engine(TEST_URL)
    yield engine
    truncate(engine)
    engine.dispose()
