"""Database engine and the per-request session."""

from __future__ import annotations

from flask import Flask, g
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool


def make_engine(url: str) -> Engine:
    """SQLite runs one writer at a time (BEGIN IMMEDIATE, WAL, busy timeout); PostgreSQL as it is."""
    if not url.startswith("sqlite"):  # hide_parameters: no submitted value in any error message or log line
        return create_engine(url, pool_pre_ping=True, hide_parameters=True)
    memory = url in ("sqlite://", "sqlite:///:memory:")
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": 30},
        poolclass=StaticPool if memory else None,
        hide_parameters=True,
    )

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        if not memory:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


class Database:
    """The primary database, and the replica reports read when one is configured."""

    def __init__(self, url: str, replica_url: str | None = None):
        self.engine = make_engine(url)
        self.sessionmaker = sessionmaker(bind=self.engine, expire_on_commit=False)
        self.replica_engine = make_engine(replica_url) if replica_url else None
        self.report_sessionmaker = (sessionmaker(bind=self.replica_engine, expire_on_commit=False)
                                    if self.replica_engine is not None else self.sessionmaker)

    def new_session(self) -> Session:
        return self.sessionmaker()

    def new_report_session(self) -> Session:
        return self.report_sessionmaker()


def init_app(app: Flask, database: Database) -> None:
    app.extensions["duban.db"] = database

    @app.teardown_appcontext
    def _close(_exc):
        for name in ("db_session", "report_session"):
            held = g.pop(name, None)
            if held is not None:
                held.close()


def session() -> Session:
    """The request's session (opened on first use, closed — rolled back if uncommitted — at teardown)."""
    from flask import current_app

    if "db_session" not in g:
        g.db_session = current_app.extensions["duban.db"].new_session()
    return g.db_session


def report_session() -> Session:
    """The request's session for reports: the replica when REPLICA_DATABASE_URL is set (read-only, a little
    behind the primary), else the primary. Never write through it."""
    from flask import current_app

    database = current_app.extensions["duban.db"]
    if getattr(database, "new_report_session", None) is None or getattr(database, "replica_engine", 1) is None:
        return session()  # no replica: the request's own session (one connection, one transaction)
    if "report_session" not in g:
        g.report_session = database.new_report_session()
    return g.report_session


def _rollback_request() -> None:
    held = g.get("db_session")
    if held is not None:
        held.rollback()


def retry_views(app: Flask) -> None:
    """Run a whole request again (bounded) when its transaction lost a database race (deadlock, serialization
    failure, SQLite busy): the view re-reads everything, so repeating it is safe and the user sees no error."""
    from functools import wraps

    from workflows import retry

    def retrying(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            return retry.run(lambda: view(*args, **kwargs), _rollback_request)

        return wrapper

    for endpoint, view in list(app.view_functions.items()):
        app.view_functions[endpoint] = retrying(view)
