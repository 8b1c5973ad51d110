"""Two real gunicorn workers started with deploy/gunicorn.conf.py on the committed test database: mixed page
views (the board included) give no 5xx and no worker death; a worker killed by SIGSEGV leaves faulthandler's
report in the log, is recorded by the exit hook and counted on the administrator's 运行故障 page."""

from __future__ import annotations

import json
import os
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

import config
from models.subjects import Subject
from tests.concurrency.conftest import truncate
from tests.conftest import TEST_URL
from tests.deploy.live import Browser, Gunicorn
from tests.factories import PASSWORD, Org, finish, make_case, make_item, make_petition, open_work

PAGES = ["/", "/deadlines/board", "/items", "/petitions", "/cases", "/referrals", "/registered", "/done", "/cc",
         "/bulletins", "/notifications", "/deadlines/escalations"]


@pytest.fixture(scope="module")
def server(db_engine, tmp_path_factory):
    if TEST_URL in ("sqlite://", "sqlite:///:memory:"):
        pytest.skip("needs a file or server database")
    now = datetime.now(UTC)
    with Session(db_engine, expire_on_commit=False) as db:
        org = Org(db)
        items = [make_item(db, org, now=now - timedelta(days=20 - i)) for i in range(6)]
        for item in items[:4]:
            finish(db, actor=org.coordinator, now=now, item=item, task_uuid=open_work(db, item)[0].task_uuid,
                   values={"lead_squad_id": org.squad_a.id})
        for row, level in zip(db.scalars(select(Subject).order_by(Subject.id)), ("yellow", "orange", "red"),
                              strict=False):
            row.level, row.deadline_at = level, now - timedelta(hours=2)
        petition, case = make_petition(db, org, now=now), make_case(db, org, now=now)
        db.commit()
        subjects = [f"/items/{i.id}" for i in items] + [f"/petitions/{petition.id}", f"/cases/{case.id}"]
        users = {"coordinator": org.coordinator.username, "leader": org.leader.username,
                 "member": org.a_member.username, "admin": org.admin.username}
    keys = {"PII_KEY": config.TestConfig.PII_KEY, "AUDIT_HMAC_KEY": config.TestConfig.AUDIT_HMAC_KEY}  # the data's
    live = Gunicorn(TEST_URL, tmp_path_factory.mktemp("gunicorn"), env=keys).start()
    yield live, users, subjects, items[0].id
    live.stop()
    truncate(db_engine)


def _browse(base: str, username: str, paths: list[str], item_id: int) -> list[tuple[str, int]]:
    browser = Browser(base)
    assert browser.login(username, PASSWORD)
    seen = []
    for n, path in enumerate(paths):
        if n % 25 == 0:  # a comment: a write with CSRF, committed, between the reads
            page = f"/items/{item_id}"
            status, _ = browser.post(page, f"/s/instructed_item/{item_id}/comment", {"text": f"第{n}次批注"})
        else:
            status, _ = browser.get(path)
        seen.append((path, status))
    return seen


def test_mixed_requests_no_5xx_and_no_worker_death(server):
    live, users, subjects, item_id = server
    plan = [(users["coordinator"], (PAGES + subjects) * 6), (users["leader"], (PAGES + subjects) * 4),
            (users["member"], (["/", "/done", "/cc", "/notifications"] + subjects[:1]) * 20)]
    with ThreadPoolExecutor(len(plan)) as pool:
        results = [r for rs in pool.map(lambda p: _browse(live.url, p[0], p[1], item_id), plan) for r in rs]
    assert len(results) >= 300
    assert [r for r in results if r[1] >= 500 or r[1] == 0] == []  # 0: a broken connection
    assert {status for path, status in results if path == "/deadlines/board"} <= {200, 403}
    assert live.deaths() == [] and not live.exit_log.exists()
    assert len(live.worker_pids()) == 2 and live.booted() == 2


def test_a_worker_killed_by_sigsegv_is_logged_counted_and_shown(server):
    live, users, _, _ = server
    before = set(live.worker_pids())
    victim = sorted(before)[0]
    os.kill(victim, signal.SIGSEGV)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not (live.exit_log.exists() and len(live.worker_pids()) == 2):
        time.sleep(0.2)
    entries = [json.loads(line) for line in live.exit_log.read_text().splitlines()]
    assert [(e["pid"], e["signal"], e["code"]) for e in entries] == [(victim, "SIGSEGV", None)]
    log = live.log()
    assert f"Worker (pid:{victim}) was sent SIGSEGV" in log and "Fatal Python error: Segmentation fault" in log
    assert f"Abnormal worker exit (pid:{victim}, signal SIGSEGV" in log
    assert victim not in live.worker_pids() and len(live.worker_pids()) == 2  # replaced
    admin = Browser(live.url)
    assert admin.login(users["admin"], PASSWORD)
    status, page = admin.get("/admin/worker-exits")
    assert status == 200 and 'id="worker-exit-total">1<' in page and f"<td>{victim}</td>" in page
    assert "SIGSEGV 1" in page
