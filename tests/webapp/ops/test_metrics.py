"""/metrics: behind a token or the management address; its counts match a run of known steps."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

from tests.factories import NOW, finish, make_item, open_work
from tests.webapp.ops.test_health import beat


def scrape(client, **headers) -> dict:
    resp = client.get("/metrics", headers=headers)
    assert resp.status_code == 200, resp.status_code
    samples = {}
    for family in text_string_to_metric_families(resp.get_data(as_text=True)):
        for s in family.samples:
            samples[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return samples


def value(samples: dict, name: str, **labels) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def complete(db, org, item, step, actor, **values):
    work = next(w for w in open_work(db, item) if w.step == step)
    finish(db, actor=actor, now=NOW, item=item, task_uuid=work.task_uuid, values=values)
    db.commit()  # the counter counts committed completions only


def test_counts_match_a_run_of_known_steps(client, db, org):
    beat(db)
    before = scrape(client)
    items = [make_item(db, org) for _ in range(3)]
    db.commit()
    mid = scrape(client)
    assert value(mid, "duban_steps_open", family="instructed_item", level="blue") == \
        value(before, "duban_steps_open", family="instructed_item", level="blue") + 3
    for item in items:
        complete(db, org, item, "assign", org.coordinator, lead_squad_id=org.squad_a.id)
    complete(db, org, items[0], "accept", org.a_member)
    kept = next(w for w in open_work(db, items[1]) if w.step == "accept")
    finish(db, actor=org.a_member, now=NOW, item=items[1], task_uuid=kept.task_uuid, values={})
    rolled_back = next(w for w in open_work(db, items[2]) if w.step == "accept")
    nested = db.begin_nested()
    finish(db, actor=org.a_member, now=NOW, item=items[2], task_uuid=rolled_back.task_uuid, values={})
    nested.rollback()  # a completion whose savepoint rolled back is not counted; the one before it still is
    db.commit()
    after = scrape(client)

    def done(step):
        name = "duban_steps_completed_total"
        return value(after, name, family="instructed_item", step=step) - value(before, name, family="instructed_item",
                                                                              step=step)

    assert done("assign") == 3
    assert done("accept") == 2
    assert value(after, "duban_steps_open", family="instructed_item", level="blue") == \
        value(before, "duban_steps_open", family="instructed_item", level="blue") + 3
    assert value(after, "duban_scheduler_up") == 1


def test_request_latency_by_endpoint(client):
    before = scrape(client)
    for _ in range(3):
        client.get("/healthz")
    after = scrape(client)
    name = "duban_http_request_duration_seconds_count"
    labels = {"endpoint": "ops.healthz", "method": "GET", "status": "200"}
    assert value(after, name, **labels) - value(before, name, **labels) == 3


def test_login_failures_are_counted(client, org):
    from tests.conftest import csrf_token

    before = scrape(client)
    token = csrf_token(client)
    client.post("/login", data={"username": org.a_member.username, "password": "wrong", "csrf_token": token})
    after = scrape(client)
    assert value(after, "duban_login_failures_total") - value(before, "duban_login_failures_total") == 1


def test_token_or_management_address(app, client):
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 403
    assert client.get("/metrics", headers={"X-Forwarded-For": "10.1.2.3"}).status_code == 403, \
        "a request that came through the proxy is not the management address"
    app.config["METRICS_TOKEN"] = "s3cret"
    assert client.get("/metrics").status_code == 403
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 403
    ok = client.get("/metrics", headers={"Authorization": "Bearer s3cret"}, environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert ok.status_code == 200 and b"duban_steps_open" in ok.data


def test_multiprocess_mode_adds_up_processes(tmp_path, monkeypatch):
    """Two processes' counter files in PROMETHEUS_MULTIPROC_DIR are summed in one scrape."""
    import subprocess
    import sys

    code = ("from webapp import metrics; metrics.LOGIN_FAILURES.inc(2); "
            "metrics.STEPS_COMPLETED.labels(family='petition', step='accept').inc()")
    env = {"PROMETHEUS_MULTIPROC_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    for _ in range(2):
        subprocess.run([sys.executable, "-c", code], check=True, env=env, cwd=str(__import__("config").BASE_DIR))
    from prometheus_client import CollectorRegistry, generate_latest, multiprocess

    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry, path=str(tmp_path))
    text = generate_latest(registry).decode()
    assert "duban_login_failures_total 4.0" in text
    assert 'duban_steps_completed_total{family="petition",step="accept"} 2.0' in text
