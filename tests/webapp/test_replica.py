"""Reports read from the replica when one is configured: the 月度通报 shows what only the replica holds."""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.orm import Session

import config
from models.deadlines import OverdueRecord
from tests.conftest import BoundDatabase, login
from tests.factories import Org
from tests.webapp.test_bulletins_web import cell
from tests.workflows.test_bulletins import at
from webapp import create_app, migrate
from webapp.db import Database, make_engine


class WithReplica(BoundDatabase):
    """The test's primary connection, and a second database standing in for the streaming replica."""

    def __init__(self, connection, replica_engine):
        super().__init__(connection)
        self.replica_engine = replica_engine

    def new_report_session(self) -> Session:
        return Session(bind=self.replica_engine, expire_on_commit=False)


def _replica(tmp_path):
    url = f"sqlite:///{tmp_path / 'replica.db'}"
    engine = make_engine(url)
    with engine.begin() as conn:
        migrate.upgrade(url, conn)
    with Session(engine) as session:
        org = Org(session)
        for n in range(5):
            session.add(OverdueRecord(key=f"replica-{n}", family="instructed_item", subject_id=0, step="investigate",
                                      step_name="调查取证", squad_id=org.squad_a.id, due_at=at(10),
                                      detected_at=at(11 + n)))
        session.commit()
    return engine


def test_the_bulletin_reads_the_replica_not_the_primary(connection, org, tmp_path):
    replica = _replica(tmp_path)
    on_replica, on_primary = [], []
    event.listen(replica, "before_cursor_execute", lambda c, cur, sql, *a: on_replica.append(sql))
    event.listen(connection, "before_cursor_execute", lambda c, cur, sql, *a: on_primary.append(sql))
    app = create_app(config.TestConfig, DATABASE=WithReplica(connection, replica), UPLOAD_FOLDER=str(tmp_path))
    client = app.test_client()
    login(client, org.coordinator)
    on_replica.clear(), on_primary.clear()
    html = client.get("/bulletins?month=2026-10").get_data(as_text=True)
    assert cell(html, "华阳路中队", "overdue_steps") == "5", "the five overdue steps exist only on the replica"
    assert any("overdue_record" in sql for sql in on_replica)
    assert not any("overdue_record" in sql for sql in on_primary), "no report query went to the primary"
    replica.dispose()


def test_without_a_replica_reports_read_the_primary(tmp_path):
    database = Database(f"sqlite:///{tmp_path / 'primary.db'}")
    assert database.replica_engine is None
    assert database.new_report_session().get_bind() is database.engine  # webapp.db.report_session: the request's
    both = Database(f"sqlite:///{tmp_path / 'primary.db'}", f"sqlite:///{tmp_path / 'replica.db'}")
    assert both.new_report_session().get_bind() is both.replica_engine
