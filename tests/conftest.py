"""Shared fixtures: one migrated database per run, one transaction per test, an app bound to it."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

import config
from models import pii
from tests.factories import PASSWORD, Org
from webapp import create_app, migrate
from webapp.db import make_engine
from workflows import engine

TEST_URL = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp(prefix='duban-test-')}/test.db"


def _reset_schema(engine) -> None:
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))


@pytest.fixture(scope="session", autouse=True)
def processes():
    """Parse the BPMN models once per run and set the personal-data key, as start-up does."""
    pii.configure(config.TestConfig.PII_KEY)
    return engine.configure(config.Config.BPMN_FOLDER)


@pytest.fixture(scope="session")
def db_engine():
    engine = make_engine(TEST_URL)
    _reset_schema(engine)
    with engine.begin() as conn:
        migrate.upgrade(TEST_URL, conn)
    yield engine
    engine.dispose()


class BoundDatabase:
    """The app's Database, bound to the test's connection: every request session is a savepoint."""

    def __init__(self, connection):
        self.connection = connection

    def new_session(self) -> Session:
        return Session(bind=self.connection, join_transaction_mode="create_savepoint", expire_on_commit=False)


@pytest.fixture
def connection(db_engine):
    conn = db_engine.connect()
    trans = conn.begin()
    yield conn
    trans.rollback()
    conn.close()


@pytest.fixture
def db(connection) -> Session:
    session = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    yield session
    session.close()


@pytest.fixture
def org(db) -> Org:
    return Org(db)


@pytest.fixture
def app(connection, tmp_path: Path):
    return create_app(config.TestConfig, DATABASE=BoundDatabase(connection), UPLOAD_FOLDER=str(tmp_path / "up"))


@pytest.fixture
def client(app):
    return app.test_client()


CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def csrf_token(client, path: str = "/login") -> str:
    html = client.get(path).get_data(as_text=True)
    match = CSRF.search(html)
    assert match, f"no CSRF token on {path}"
    return match.group(1) or match.group(2)


def login(client, user) -> None:
    token = csrf_token(client)
    resp = client.post("/login", data={"username": user.username, "password": PASSWORD, "csrf_token": token})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:500]


@pytest.fixture
def as_user(client):
    def _as(user):
        client.get("/logout")
        with client.session_transaction() as s:
            s.clear()
        login(client, user)
        return client

    return _as
