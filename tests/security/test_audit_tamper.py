"""At least 400 tamper trials, each on its own copy of an audited database: edits, reorderings, forged
inserts, deletions in the middle, of a subject's last entries, of whole subjects, of the last entries with the
counter wound back, and of seals too. `verify` must catch every one; the untouched copy verifies clean."""

from __future__ import annotations

import contextlib
import random
import sqlite3
from datetime import timedelta

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

import config
from tests.factories import NOW, Org, finish, make_item, make_petition, open_work
from webapp import create_app, migrate
from webapp.db import Database
from workflows import audit, audit_seals, login

TRIALS = 420
KINDS = ["edit_summary", "edit_actor", "edit_time", "edit_details", "edit_outcome", "swap_gseq", "swap_seq",
         "forge_insert", "forge_with_copied_mac", "delete_middle", "delete_subject_tail", "delete_whole_subject",
         "delete_global_tail_and_counter", "delete_tail_counter_and_seals", "recompute_with_guessed_key",
         "edit_seal"]


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    return build_base(tmp_path_factory.mktemp("tamper"))


def build_base(folder):
    """An audited database (items, petitions, failed log-ins, two seals and an entry between them)."""
    url = f"sqlite:///{folder / 'base.db'}"
    migrate.upgrade(url)
    create_app(config.TestConfig, DATABASE=Database(url))  # configures the audit key as the app would
    engine = create_engine(url)
    seal_file = folder / "seals.jsonl"
    with Session(engine, expire_on_commit=False) as db:
        org = Org(db)
        for n in range(6):
            item = make_item(db, org, title=f"督办件{n}")
            finish(db, actor=org.coordinator, now=NOW, item=item, task_uuid=open_work(db, item)[0].task_uuid,
                   values={"lead_squad_id": org.squad_a.id})
        for n in range(3):
            make_petition(db, org, petitioner_phone=f"1380013{n:04d}")
        for n in range(4):
            with contextlib.suppress(login.LoginRefused):
                login.authenticate(db, username=org.a_member.username, password="bad", address="10.0.0.9",
                                   now=NOW + timedelta(minutes=n))
        audit_seals.seal(db, NOW, path=str(seal_file), force=True)
        audit.record(db, actor=org.coordinator, now=NOW, family="instructed_item", subject_id=1, action="note",
                     summary="封存后的一条")
        audit_seals.seal(db, NOW + timedelta(minutes=10), path=str(seal_file), force=True)
        db.commit()
    engine.dispose()
    return folder


def _copy(source, target) -> None:
    """A consistent copy through SQLite's backup API: the base runs in WAL mode and the app opened at build time
    may still hold a connection, so the committed entries can sit in base.db-wal, which a file copy misses."""
    with contextlib.closing(sqlite3.connect(source)) as src, contextlib.closing(sqlite3.connect(target)) as dst:
        src.backup(dst)


def _verify(path, seal_file):
    engine = create_engine(f"sqlite:///{path}")
    with Session(engine) as db:
        report = audit_seals.verify(db, path=str(seal_file))
    engine.dispose()
    return report


def _rows(con, sql, *args):
    return con.execute(sql, args).fetchall()


def _tamper(con: sqlite3.Connection, kind: str, rng: random.Random) -> None:  # noqa: C901 - one branch per kind
    entries = _rows(con, "SELECT id, gseq, family, subject_id, seq FROM audit_entry ORDER BY gseq")
    pick = rng.choice(entries)
    subjects = sorted({(e[2], e[3]) for e in entries})
    if kind == "edit_summary":
        con.execute("UPDATE audit_entry SET summary = summary || '（改）' WHERE id = ?", (pick[0],))
    elif kind == "edit_actor":
        con.execute("UPDATE audit_entry SET actor_id = COALESCE(actor_id, 0) % 5 + 1 WHERE id = ?", (pick[0],))
    elif kind == "edit_time":
        con.execute("UPDATE audit_entry SET at = datetime(at, '-1 day') WHERE id = ?", (pick[0],))
    elif kind == "edit_details":
        con.execute("UPDATE audit_entry SET details = '{\"x\": 1}' WHERE id = ?", (pick[0],))
    elif kind == "edit_outcome":
        con.execute("UPDATE audit_entry SET outcome = CASE outcome WHEN 'success' THEN 'failure' ELSE 'success' END"
                    " WHERE id = ?", (pick[0],))
    elif kind == "swap_gseq":
        other = rng.choice([e for e in entries if e[0] != pick[0]])
        con.execute("UPDATE audit_entry SET gseq = -1 WHERE id = ?", (pick[0],))
        con.execute("UPDATE audit_entry SET gseq = ? WHERE id = ?", (pick[1], other[0]))
        con.execute("UPDATE audit_entry SET gseq = ? WHERE id = ?", (other[1], pick[0]))
    elif kind == "swap_seq":
        chain = [e for e in entries if (e[2], e[3]) == (pick[2], pick[3])]
        if len(chain) < 2:
            chain = max((([e for e in entries if (e[2], e[3]) == s]) for s in subjects), key=len)
        a, b = rng.sample(chain, 2)
        for col in ("summary", "action", "at", "actor_id", "details", "hash", "prev_hash"):
            va = _rows(con, f"SELECT {col} FROM audit_entry WHERE id = ?", a[0])[0][0]  # noqa: S608
            vb = _rows(con, f"SELECT {col} FROM audit_entry WHERE id = ?", b[0])[0][0]  # noqa: S608
            con.execute(f"UPDATE audit_entry SET {col} = ? WHERE id = ?", (vb, a[0]))  # noqa: S608
            con.execute(f"UPDATE audit_entry SET {col} = ? WHERE id = ?", (va, b[0]))  # noqa: S608
    elif kind in ("forge_insert", "forge_with_copied_mac"):
        top = entries[-1]
        fam, sid = rng.choice(subjects)
        last = _rows(con, "SELECT seq, hash FROM audit_entry WHERE family = ? AND subject_id = ? ORDER BY seq DESC"
                     " LIMIT 1", fam, sid)[0]
        mac = last[1] if kind == "forge_with_copied_mac" else f"{rng.getrandbits(256):064x}"
        con.execute("INSERT INTO audit_entry (gseq, at, actor_id, family, subject_id, seq, action, step, summary,"
                    " opinion, details, prev_hash, hash, address, outcome, alg) VALUES (?, '2026-11-02 03:00:00', 1,"
                    " ?, ?, ?, 'note', NULL, '伪造', '', '{}', ?, ?, '', 'success', 'hmac-sha256')",
                    (top[1] + 1, fam, sid, last[0] + 1, last[1], mac))
        con.execute("UPDATE number_counter SET last_seq = last_seq + 1 WHERE scope = 'audit_gseq'")
    elif kind == "delete_middle":
        con.execute("DELETE FROM audit_entry WHERE id = ?", (rng.choice(entries[1:-1])[0],))
    elif kind == "delete_subject_tail":
        fam, sid = rng.choice(subjects)
        top = _rows(con, "SELECT MAX(seq) FROM audit_entry WHERE family = ? AND subject_id = ?", fam, sid)[0][0]
        con.execute("DELETE FROM audit_entry WHERE family = ? AND subject_id = ? AND seq > ?",
                    (fam, sid, max(top - rng.randint(1, 2), 0)))
    elif kind == "delete_whole_subject":
        fam, sid = rng.choice(subjects)
        con.execute("DELETE FROM audit_entry WHERE family = ? AND subject_id = ?", (fam, sid))
    elif kind in ("delete_global_tail_and_counter", "delete_tail_counter_and_seals"):
        k = rng.randint(1, 5)
        con.execute("DELETE FROM audit_entry WHERE gseq > ?", (entries[-1][1] - k,))
        con.execute("UPDATE number_counter SET last_seq = last_seq - ? WHERE scope = 'audit_gseq'", (k,))
        if kind == "delete_tail_counter_and_seals":
            con.execute("DELETE FROM audit_seal WHERE last_gseq > ?", (entries[-1][1] - k,))
    elif kind == "recompute_with_guessed_key":
        row = _rows(con, "SELECT * FROM audit_entry WHERE id = ?", pick[0])
        assert row
        con.execute("UPDATE audit_entry SET summary = '改写', hash = ? WHERE id = ?",
                    (f"{rng.getrandbits(256):064x}", pick[0]))
    elif kind == "edit_seal":
        con.execute("UPDATE audit_seal SET last_gseq = last_gseq - 1 WHERE no = (SELECT MAX(no) FROM audit_seal)")


def test_the_untouched_copy_verifies(base, tmp_path):
    _copy(base / "base.db", tmp_path / "copy.db")
    report = _verify(tmp_path / "copy.db", base / "seals.jsonl")
    assert report.intact, report.problems
    assert report.entries > 20 and report.subjects >= 10 and report.seals == 2


def test_every_tamper_trial_is_detected(base, tmp_path):
    rng = random.Random(15)
    missed, detected = [], 0
    for trial in range(TRIALS):
        kind = KINDS[trial % len(KINDS)]
        copy = tmp_path / f"t{trial}.db"
        _copy(base / "base.db", copy)
        con = sqlite3.connect(copy)
        _tamper(con, kind, rng)
        con.commit()
        con.close()
        if _verify(copy, base / "seals.jsonl").intact:
            missed.append((trial, kind))
        else:
            detected += 1
        copy.unlink()
    print(f"tamper trials: {TRIALS}, detected: {detected}, kinds: {len(KINDS)}")
    assert missed == [] and detected >= 400


def test_the_seal_file_catches_seals_deleted_from_the_database(base, tmp_path):
    copy = tmp_path / "s.db"
    _copy(base / "base.db", copy)
    con = sqlite3.connect(copy)
    con.execute("DELETE FROM audit_seal WHERE no = (SELECT MAX(no) FROM audit_seal)")
    con.commit()
    con.close()
    report = _verify(copy, base / "seals.jsonl")
    assert any("封存文件" in p for p in report.problems)


def test_sm3_hmac_chains_verify_and_detect(db, org, app):
    audit.configure(b"k" * 32, "hmac-sm3")
    try:
        item = make_item(db, org)
        entries = audit.timeline(db, "instructed_item", item.id)
        assert entries[0].alg == "hmac-sm3" and audit.verify_chain(entries) is None
        entries[0].summary = "改"
        assert audit.verify_chain(entries) == 1
    finally:
        audit.configure(app.config["AUDIT_HMAC_KEY"].encode(), app.config["AUDIT_MAC_ALG"])
