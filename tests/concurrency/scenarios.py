"""Simultaneous use against committed data (issue 9), shared by the tests (which assert the figures) and
`bench/concurrency.py` (which prints them for larger runs). Each scenario returns a dict of figures."""

from __future__ import annotations

import multiprocessing
import re
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

import config
from models.audit import AuditEntry
from models.deadlines import SchedulerFailure, Urge
from models.items import ItemKind, SupervisedItem
from models.notifications import Notification
from models.org import User
from tests.factories import NOW, PASSWORD, Org, make_item, open_work, petition_input
from webapp import create_app
from webapp.db import Database
from workflows.items import operations

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _threads(count: int, work) -> list:
    """Run `work(i, barrier)` in `count` threads released together; returns what each returned or raised."""
    barrier, results = threading.Barrier(count), [None] * count

    def run(i):
        try:
            results[i] = work(i, barrier)
        except BaseException as exc:  # noqa: BLE001 - reported as a figure
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    return results


def simultaneous_registrations(engine, org_ids: dict, threads: int = 20, rounds: int = 5) -> dict:
    """`threads` coordinators register an item of each family at the same moment, `rounds` times."""
    from workflows.cases import operations as case_ops
    from workflows.petitions import intake

    numbers, errors = [], []

    def register(i, barrier):
        barrier.wait(30)  # before any query: on SQLite every transaction takes the one write lock
        with Session(engine, expire_on_commit=False) as db:
            actor = db.get(User, org_ids["coordinator"])
            reg = operations.Registration(kind=ItemKind.MEDIA_EXPOSURE, title=f"并发登记{i}", instruction_text="核查",
                                          received_at=NOW)
            item = operations.register_item(db, actor=actor, now=NOW, reg=reg)
            petition = intake.register(db, actor=actor, now=NOW, data=petition_input(
                _Squads(org_ids), content=f"并发信访{i}-{time.time_ns()}", external_ref=f"EXT-{time.time_ns()}-{i}"))
            case = case_ops.open_case(db, actor=actor, now=NOW, spec=case_ops.Opening(
                title=f"并发案件{i}", violation="违法搭建", squad_id=org_ids["squad_a"], forms=["phone"]))
            db.commit()
            return [item.number, petition.number, case.number]

    for _ in range(rounds):
        for result in _threads(threads, register):
            (errors if isinstance(result, BaseException) else numbers).append(result)
    flat = [n for group in numbers for n in group]
    return {"registrations": len(flat), "distinct": len(set(flat)), "errors": [repr(e) for e in errors]}


class _Squads:
    """What petition_input() reads from an Org: the squad's street."""

    def __init__(self, ids: dict):
        self.squad_a = type("S", (), {"street": ids["street_a"]})


def simultaneous_urges(engine, org_ids: dict, threads: int = 20) -> dict:
    from workflows.tasks import urge

    with Session(engine, expire_on_commit=False) as db:
        item = db.get(SupervisedItem, org_ids["item"])
        task_uuid = open_work(db, item)[0].task_uuid

    def one(i, barrier):
        barrier.wait(30)
        with Session(engine, expire_on_commit=False) as db:
            actor = db.get(User, org_ids["coordinator"])
            urge.urge(db, actor=actor, now=NOW, family="instructed_item", subject_id=org_ids["item"],
                      task_uuid=task_uuid, message=f"请抓紧办理（{i}）")
            db.commit()

    results = _threads(threads, one)
    with Session(engine) as db:
        return {"errors": [repr(r) for r in results if isinstance(r, BaseException)],
                "rows": db.scalar(select(func.count(Urge.id)).where(Urge.subject_id == org_ids["item"])),
                "urge_count": db.scalar(select(SupervisedItem.urge_count).where(
                    SupervisedItem.id == org_ids["item"]))}


def make_overdue_items(engine, count: int) -> dict:
    """`count` items registered weeks ago (so every step is overdue today), and the ids the scenarios need."""
    with Session(engine, expire_on_commit=False) as db:
        org = Org(db)
        old = datetime.now(UTC) - timedelta(days=40)
        items = [make_item(db, org, now=old, received_at=old - timedelta(hours=1), title=f"超期件{i}")
                 for i in range(count)]
        db.commit()
        return {"coordinator": org.coordinator.username, "coordinator_id": org.coordinator.id,
                "squad_a": org.squad_a.id, "items": [(i.id, open_work(db, i)[0].task_uuid) for i in items]}


def _scheduler(url: str, rounds: int, results) -> None:
    from webapp.db import make_engine
    from workflows import engine, scheduler

    engine.configure(config.Config.BPMN_FOLDER)
    own = make_engine(url)
    try:
        ticks = [scheduler.tick(lambda: Session(own, expire_on_commit=False), datetime.now(UTC))
                 for _ in range(rounds)]
        results.put({"alerts": sum(t.alerts for t in ticks), "failures": [f for t in ticks for f in t.failures]})
    except BaseException as exc:  # noqa: BLE001 - reported to the parent
        results.put(exc)
    finally:
        own.dispose()


def _logged_in(app, username: str):
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": TOKEN.search(page).group(1)})
    return client, TOKEN.search(client.get("/notifications").get_data(as_text=True)).group(1)


def simultaneous_logins(url: str, username: str, threads: int = 20, rounds: int = 5) -> dict:
    """`threads` browsers log in as the same user at the same moment, `rounds` times; every login is audited
    on the user's chain."""
    app = create_app(config.TestConfig, DATABASE=Database(url))
    statuses: Counter = Counter()
    lock = threading.Lock()

    def login(i, barrier):
        client = app.test_client()
        for _ in range(rounds):
            # every log-in starts a new session (and CSRF secret), so each round takes a fresh form
            token = TOKEN.search(client.get("/login").get_data(as_text=True)).group(1)
            barrier.wait(60)
            resp = client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token})
            with lock:
                statuses[resp.status_code] += 1

    results = _threads(threads, login)
    database = app.extensions["duban.db"]
    with database.new_session() as db:
        user_id = db.scalar(select(User.id).where(User.username == username))
        entries = db.scalars(select(AuditEntry).where(AuditEntry.family == "user", AuditEntry.subject_id == user_id,
                                                      AuditEntry.action == "login")).all()
    database.engine.dispose()
    return {"requests": sum(statuses.values()), "statuses": dict(statuses),
            "server_errors": sum(n for s, n in statuses.items() if s >= 500),
            "errors": [repr(r) for r in results if isinstance(r, BaseException)], "audited": len(entries)}


def web_steps_beside_schedulers(url: str, setup: dict, web_threads: int = 8, schedulers: int = 2,
                                rounds: int = 3) -> dict:
    """`web_threads` coordinators complete the assign step of every item through HTTP while `schedulers`
    scheduler processes sweep the same overdue items."""
    app = create_app(config.TestConfig, DATABASE=Database(url))
    spawn = multiprocessing.get_context("spawn")
    queue = spawn.Queue()
    procs = [spawn.Process(target=_scheduler, args=(url, rounds, queue)) for _ in range(schedulers)]
    statuses: Counter = Counter()
    lock = threading.Lock()
    share = setup["items"]

    clients = [_logged_in(app, setup["coordinator"]) for _ in range(web_threads)]  # logins are another test's

    def web(i, barrier):
        client, token = clients[i]
        barrier.wait(60)
        for item_id, task_uuid in share[i::web_threads]:
            resp = client.post(f"/s/instructed_item/{item_id}/steps/{task_uuid}", data={
                "csrf_token": token, "assign-lead_squad_id": str(setup["squad_a"]), "assign-instructions": "请办理"})
            with lock:
                statuses[resp.status_code] += 1

    started = time.perf_counter()
    for p in procs:
        p.start()
    results = _threads(web_threads, web)
    sweeps = [queue.get(timeout=300) for _ in procs]
    for p in procs:
        p.join(60)
    elapsed = time.perf_counter() - started
    database = app.extensions["duban.db"]
    with database.new_session() as db:
        assigned = db.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "complete", AuditEntry.step == "assign"))
        keys = db.scalars(select(Notification.key)).all()
        failures = db.scalars(select(SchedulerFailure.last_error)).all()
    database.engine.dispose()
    return {"requests": sum(statuses.values()), "statuses": dict(statuses), "seconds": round(elapsed, 2),
            "server_errors": sum(n for s, n in statuses.items() if s >= 500), "assigned": assigned,
            "web_errors": [repr(r) for r in results if isinstance(r, BaseException)],
            "scheduler_errors": [repr(s) for s in sweeps if isinstance(s, BaseException)],
            "alerts": sum(s["alerts"] for s in sweeps if isinstance(s, dict)),
            "duplicate_notifications": len(keys) - len(set(keys)), "scheduler_failures": failures}
