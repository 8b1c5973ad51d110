"""/healthz and /readyz: JSON without log-in, 503 with reasons when the database or the scheduler stops, back
to 200 when they return; the administrators get one notification per scheduler outage."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from models.notifications import Notification
from workflows import heartbeat


def beat(db, ago: float = 0, interval: int = 60):
    now = datetime.now(UTC) - timedelta(seconds=ago)
    heartbeat.beat(db, now=now, host="sched-1", pid=42, interval=interval, started_at=now - timedelta(hours=1))
    db.commit()


def stale_notes(db, admin) -> int:
    return db.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == admin.id, Notification.kind == "system"))


def test_healthz_answers_without_login(client):
    resp = client.get("/healthz")
    assert resp.status_code == 200 and resp.json == {"status": "ok"}


def test_ready_when_everything_is_up(client, db, org):
    beat(db)
    resp = client.get("/readyz")
    assert resp.status_code == 200, resp.json
    assert resp.json["status"] == "ok" and resp.json["reasons"] == []
    assert set(resp.json["checks"]) == {"database", "migrations", "scheduler", "uploads", "disk"}
    assert "管理员" not in resp.get_data(as_text=True) and "sched-1" not in resp.get_data(as_text=True)


def test_scheduler_outage_gives_503_and_one_notification_per_outage(client, db, org):
    beat(db, ago=121)  # two intervals of 60 s and a second: stale
    first = client.get("/readyz")
    assert first.status_code == 503
    assert first.json["checks"]["scheduler"]["ok"] is False
    assert any("定时任务心跳" in r for r in first.json["reasons"])
    assert client.get("/readyz").status_code == 503
    assert stale_notes(db, org.admin) == 1, "polling again must not notify again"
    assert stale_notes(db, org.coordinator) == 0
    beat(db)
    assert client.get("/readyz").status_code == 200
    beat(db, ago=300)  # a second outage
    assert client.get("/readyz").status_code == 503
    assert stale_notes(db, org.admin) == 2


def test_a_scheduler_that_never_ran_is_not_ready(client, db, org):
    resp = client.get("/readyz")
    assert resp.status_code == 503 and "从未运行" in " ".join(resp.json["reasons"])


class DownDatabase:
    def new_session(self):
        from sqlalchemy import create_engine
        from sqlalchemy.orm import Session

        return Session(bind=create_engine("sqlite:////nonexistent-folder/x/duban.db"))


def test_database_down_gives_503_and_back_to_200(app, client, db, org):
    beat(db)
    working = app.extensions["duban.db"]
    app.extensions["duban.db"] = DownDatabase()
    resp = client.get("/readyz")
    assert resp.status_code == 503
    assert resp.json["checks"]["database"]["ok"] is False
    assert "数据库无法连接" in resp.json["reasons"][0]
    app.extensions["duban.db"] = working
    assert client.get("/readyz").status_code == 200


def test_unwritable_upload_folder_and_low_disk(app, client, db, tmp_path):
    beat(db)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    app.config["UPLOAD_FOLDER"] = str(blocker / "uploads")  # a folder under a file: cannot be created
    resp = client.get("/readyz")
    assert resp.status_code == 503 and resp.json["checks"]["uploads"]["ok"] is False
    app.config["UPLOAD_FOLDER"] = str(tmp_path / "up")
    app.config["MIN_FREE_DISK_MB"] = 10**12
    resp = client.get("/readyz")
    assert resp.status_code == 503 and "磁盘剩余空间" in " ".join(resp.json["reasons"])


def test_migrations_behind_head(app, client, db, monkeypatch):
    from webapp.ops import health

    beat(db)
    monkeypatch.setattr(health, "migration_head", lambda: "9999_future")
    resp = client.get("/readyz")
    assert resp.status_code == 503 and "flask db-upgrade" in " ".join(resp.json["reasons"])


def test_admin_system_page_shows_scheduler_state_and_backlog(as_user, db, org):
    beat(db, ago=30)
    page = as_user(org.admin).get("/admin/system")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "运行中" in html and "sched-1" in html and "待发邮件" in html
    beat(db, ago=600)
    html = as_user(org.admin).get("/admin/system").get_data(as_text=True)
    assert "已停止" in html
    assert as_user(org.coordinator).get("/admin/system").status_code == 403


def test_a_sweep_writes_the_heartbeat(app, client, db, org):
    assert client.get("/readyz").status_code == 503
    result = app.test_cli_runner().invoke(args=["tick"])
    assert result.exit_code == 0, result.output
    state = heartbeat.state(db, datetime.now(UTC))
    assert not state.stale and state.row.sweep_seconds is not None and "计时器" in state.row.last_result
    assert client.get("/readyz").status_code == 200
