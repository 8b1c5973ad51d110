"""运行故障: the system administrator sees the abnormal worker exits that deploy/gunicorn.conf.py records."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest


@pytest.fixture
def exit_log(app, tmp_path):
    path = tmp_path / "worker-exits.jsonl"
    app.config["WORKER_EXIT_LOG"] = str(path)
    return path


def test_no_file_means_no_exits(org, as_user, exit_log):
    page = as_user(org.admin).get("/admin/worker-exits").get_data(as_text=True)
    assert 'id="worker-exit-total">0<' in page and "没有异常退出" in page


def test_counts_and_lists_recorded_exits(org, as_user, exit_log):
    now = datetime.now(UTC)
    rows = [{"at": (now - timedelta(days=3)).isoformat(), "pid": 101, "signal": None, "code": 1, "timeout": True,
             "host": "web1"},
            {"at": (now - timedelta(hours=1)).isoformat(), "pid": 4242, "signal": "SIGSEGV", "code": None,
             "timeout": False, "host": "web1"}]
    exit_log.write_text("\n".join(json.dumps(r) for r in rows) + "\n{damaged\n", encoding="utf-8")
    page = as_user(org.admin).get("/admin/worker-exits").get_data(as_text=True)
    assert 'id="worker-exit-total">2<' in page and 'id="worker-exit-day">1<' in page
    assert "SIGSEGV 1" in page and "超时 1" in page and "<td>4242</td>" in page
    assert page.index("4242") < page.index("<td>101</td>")  # newest first
    assert "运行故障" in as_user(org.admin).get("/admin/calendar").get_data(as_text=True)


def test_only_the_system_administrator(org, as_user, exit_log):
    for user in (org.coordinator, org.leader, org.a_member):
        assert as_user(user).get("/admin/worker-exits").status_code == 403
