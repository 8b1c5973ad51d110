"""Bulk loader: a city's worth of data in PostgreSQL in minutes (COPY through psycopg).

1. Migrates an empty database and loads the demo bureau through the domain layer (real, consistent rows:
   items walked step by step, projections, audit trail).
2. Clones the demo's 督办件 with their subject projection, process instance, open steps and audit entries
   with COPY ... FROM STDIN until there are `--subjects` subjects: closed clones spread over ten years, open
   clones (about `--open` open steps in all) kept near `now` so that worklists and clocks look real. Foreign
   keys and triggers are off while copying (session_replication_role = replica); plain indexes are dropped
   and rebuilt afterwards, then ANALYZE.
3. Tops the audit trail up to `--audit` entries (follow-up notes on closed clones) and prints rows, time,
   and storage per closed subject.

Cloned audit entries keep the template's hashes: `flask audit-verify` flags them; this is a benchmark
database, never a demo one.

    .venv/bin/python bench/bulk_load.py --url postgresql+psycopg://postgres@127.0.0.1:5432/duban_speed_scale \
        [--subjects 1000000] [--audit 10000000] [--open 5000] [--demo-items 200]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg  # noqa: E402
from sqlalchemy import text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

import config  # noqa: E402
from webapp import create_app, demo, migrate  # noqa: E402
from webapp.db import make_engine  # noqa: E402

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
YEARS = 10
FAMILY = "instructed_item"
TABLES = ("supervised_item", "subject", "process_instance", "work_item", "audit_entry")
JSON_COLUMNS = {("audit_entry", "details"), ("work_item", "draft")}
TIME_COLUMNS = {  # columns moved with the clone's time shift
    "supervised_item": ("received_at", "registered_at", "closed_at", "replied_at", "deadline_at",
                        "base_deadline_at", "clock_rules_at", "suspended_at", "next_alert_at"),
    "subject": ("registered_at", "closed_at", "deadline_at", "updated_at"),
    "process_instance": ("updated_at", "next_timer_at"),
    "work_item": ("started_at", "due_at", "next_alert_at", "claimed_at", "delegated_at"),
    "audit_entry": ("at",),
}


def conninfo(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def load_demo(url: str, items: int) -> None:
    db_engine = make_engine(url)
    with db_engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        migrate.upgrade(url, conn)
    create_app(config.Config, DATABASE_URL=url)  # the engine, the audit and personal-data keys, as the app has them
    with Session(db_engine, expire_on_commit=False) as db:
        print(demo.load(db, NOW, item_count=items, petition_matters=20).splitlines()[0])
        db.commit()
    db_engine.dispose()


class Table:
    """The template rows of one table, and where clones get their ids."""

    def __init__(self, cur, name: str, where: str, args=()):
        cur.execute(f"SELECT * FROM {name} WHERE {where} ORDER BY id", args)
        self.name = name
        self.columns = [d.name for d in cur.description]
        self.rows = cur.fetchall()
        self.index = {c: i for i, c in enumerate(self.columns)}
        cur.execute(f"SELECT coalesce(max(id), 0) FROM {name}")
        self.next_id = cur.fetchone()[0] + 1
        self.json = [self.index[c] for t, c in JSON_COLUMNS if t == name and c in self.index]
        self.times = [self.index[c] for c in TIME_COLUMNS[name] if c in self.index]

    def clone(self, row, shift: timedelta, **values):
        out = list(row)
        for i in self.times:
            if out[i] is not None:
                out[i] = out[i] + shift
        for i in self.json:
            if out[i] is not None:
                out[i] = json.dumps(out[i], ensure_ascii=False)
        for column, value in values.items():
            out[self.index[column]] = value
        return out


def _indexes(cur, table: str) -> list[tuple[str, str]]:
    """Plain (not constraint) indexes of a table: dropped before the copy, rebuilt after."""
    cur.execute("""SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s AND NOT EXISTS
                   (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)""", (table,))
    return cur.fetchall()


class Cloner:
    """Which template each clone copies, its ids and its time shift; one COPY per table."""

    def __init__(self, cur, subjects: int, open_steps: int, audit_target: int):
        self.cur = cur
        self.items = Table(cur, "supervised_item", "true")
        self.subj = Table(cur, "subject", "family = %s", (FAMILY,))
        self.inst = Table(cur, "process_instance", "family = %s", (FAMILY,))
        self.work = Table(cur, "work_item", "family = %s", (FAMILY,))
        self.audit = Table(cur, "audit_entry", "family = %s", (FAMILY,))
        cur.execute("SELECT coalesce(max(gseq), 0) FROM audit_entry")
        self.last_gseq = cur.fetchone()[0]
        self.of = {name: self._group(table, many) for name, table, many in (
            ("subject", self.subj, False), ("instance", self.inst, False), ("work", self.work, True),
            ("audit", self.audit, True))}
        status = self.items.index["status"]
        rows = [r for r in self.items.rows if r[0] in self.of["instance"]]
        closed = [r for r in rows if r[status] == "closed"]
        still_open = [r for r in rows if r[status] != "closed"]
        per_open = max(1.0, sum(len(self.of["work"].get(r[0], ())) for r in still_open) / max(1, len(still_open)))
        open_clones = int(open_steps / per_open)
        self.closed_clones = max(0, subjects - len(self.items.rows) - open_clones)
        self.plan = [(closed[c % len(closed)], c, True) for c in range(self.closed_clones)]
        self.plan += [(still_open[c % len(still_open)], c, False) for c in range(open_clones)]
        planned = sum(len(self.of["audit"].get(r[0], ())) for r, _, _ in self.plan)
        self.notes_per = max(0, audit_target - len(self.audit.rows) - planned) / max(1, self.closed_clones)
        self.first = {"item": self.items.next_id, "instance": self.inst.next_id, "subject": self.subj.next_id}

    def _group(self, table: Table, many: bool) -> dict:
        found: dict = {}
        key = table.index["subject_id"]
        for row in table.rows:
            if many:
                found.setdefault(row[key], []).append(row)
            else:
                found[row[key]] = row
        return found

    def shift(self, c: int, is_closed: bool) -> timedelta:
        if is_closed:
            return -timedelta(days=30) - timedelta(days=365 * YEARS) * (c / max(1, self.closed_clones))
        return -timedelta(days=c % 20)

    def number(self, n: int, row, shift: timedelta) -> str:
        return f"B{(row[self.items.index['registered_at']] + shift).year}-{n:07d}"

    def copy(self, table: Table, rows) -> int:
        count = 0
        with self.cur.copy(f"COPY {table.name} ({', '.join(table.columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
        return count

    def item_rows(self):
        for n, (row, c, is_closed) in enumerate(self.plan):
            shift = self.shift(c, is_closed)
            yield self.items.clone(row, shift, id=self.first["item"] + n, instance_id=self.first["instance"] + n,
                                   number=self.number(n, row, shift), external_ref=None)  # unique per city number

    def instance_rows(self):
        for n, (row, c, is_closed) in enumerate(self.plan):
            yield self.inst.clone(self.of["instance"][row[0]], self.shift(c, is_closed),
                                  id=self.first["instance"] + n, subject_id=self.first["item"] + n)

    def subject_rows(self):
        search, number = self.subj.index["search_text"], self.subj.index["number"]
        for n, (row, c, is_closed) in enumerate(self.plan):
            template, shift = self.of["subject"][row[0]], self.shift(c, is_closed)
            new = self.number(n, row, shift)
            yield self.subj.clone(template, shift, id=self.first["subject"] + n, subject_id=self.first["item"] + n,
                                  number=new, search_text=new + template[search][len(template[number]):])

    def work_rows(self):
        for n, (row, c, is_closed) in enumerate(self.plan):
            shift = self.shift(c, is_closed)
            for template in self.of["work"].get(row[0], ()):
                yield self.work.clone(template, shift, id=self.work.next_id, instance_id=self.first["instance"] + n,
                                      subject_id=self.first["item"] + n, subject_number=self.number(n, row, shift),
                                      task_uuid=f"{self.first['item'] + n:08x}-{self.work.next_id:027x}"[:36])
                self.work.next_id += 1

    def audit_rows(self):
        audit = self.audit
        ids, sids, ats, seqs, gseqs = (audit.index[c] for c in ("id", "subject_id", "at", "seq", "gseq"))
        gseq_after = self.last_gseq + 1 - audit.next_id  # clones take the global numbers after the demo's
        ready = {item: [audit.clone(t, timedelta(0)) for t in entries]  # JSON dumped once per template
                 for item, entries in self.of["audit"].items()}
        note = {"action": "comment", "step": None, "summary": "跟踪回访：情况稳定", "opinion": "", "details": "{}"}
        owed, next_id = 0.0, audit.next_id
        for n, (row, c, is_closed) in enumerate(self.plan):
            entries, shift, subject_id = ready.get(row[0], ()), self.shift(c, is_closed), self.first["item"] + n
            for template in entries:
                out = template.copy()
                out[ids], out[sids], out[ats] = next_id, subject_id, template[ats] + shift
                out[gseqs] = gseq_after + next_id
                next_id += 1
                yield out
            owed += self.notes_per if is_closed and entries else 0
            for k in range(int(owed)):
                out = entries[-1].copy()
                for column, value in note.items():
                    out[audit.index[column]] = value
                out[ids], out[sids], out[seqs] = next_id, subject_id, entries[-1][seqs] + k + 1
                out[gseqs] = gseq_after + next_id
                out[ats] = entries[-1][ats] + shift + timedelta(days=k + 1)
                next_id += 1
                yield out
            owed -= int(owed)


def clone(url: str, subjects: int, open_steps: int, audit_target: int) -> dict:
    with psycopg.connect(conninfo(url)) as conn, conn.cursor() as cur:
        cur.execute("SET session_replication_role = replica")
        cloner = Cloner(cur, subjects, open_steps, audit_target)
        dropped = [index for table in TABLES for index in _indexes(cur, table)]
        for name, _ in dropped:
            cur.execute(f'DROP INDEX "{name}"')
        counts = {}
        for table, rows in ((cloner.items, cloner.item_rows()), (cloner.inst, cloner.instance_rows()),
                            (cloner.subj, cloner.subject_rows()), (cloner.work, cloner.work_rows()),
                            (cloner.audit, cloner.audit_rows())):
            started = time.perf_counter()
            counts[table.name] = cloner.copy(table, rows)
            print(f"  {table.name}: {counts[table.name]:,} rows in {time.perf_counter() - started:.0f} s", flush=True)
        conn.commit()
        started = time.perf_counter()
        for _, definition in dropped:
            cur.execute(definition)
        for table in TABLES:
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        cur.execute("UPDATE number_counter SET last_seq = (SELECT max(gseq) FROM audit_entry) "
                    "WHERE scope = 'audit_gseq'")
        conn.commit()
        print(f"indexes rebuilt in {time.perf_counter() - started:.0f} s")
    with psycopg.connect(conninfo(url), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    return counts


def storage(url: str) -> None:
    """Bytes per closed subject: every table, its indexes and TOAST, over the closed subjects."""
    with psycopg.connect(conninfo(url)) as conn:
        total = conn.execute("SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c JOIN pg_namespace n "
                             "ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'r'").fetchone()[0]
        closed = conn.execute("SELECT count(*) FROM subject WHERE status = 'closed'").fetchone()[0]
        subjects = conn.execute("SELECT count(*) FROM subject").fetchone()[0]
        audit = conn.execute("SELECT count(*) FROM audit_entry").fetchone()[0]
        opened = conn.execute("SELECT count(*) FROM work_item").fetchone()[0]
        state = conn.execute("SELECT avg(pg_column_size(state)) FROM process_instance "
                             "WHERE status = 'completed'").fetchone()[0]
    print(f"subjects {subjects:,} (closed {closed:,}); audit entries {audit:,}; open steps {opened:,}")
    print(f"database {total / 2**20:,.0f} MiB; {total / max(1, subjects) / 1024:.1f} KiB per subject "
          f"(target <= 12 KB per closed subject); stored state of a completed instance {float(state or 0):,.0f} B")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--subjects", type=int, default=1_000_000)
    parser.add_argument("--audit", type=int, default=10_000_000)
    parser.add_argument("--open", type=int, default=5000, help="open steps wanted")
    parser.add_argument("--demo-items", type=int, default=200)
    args = parser.parse_args()
    started = time.perf_counter()
    load_demo(args.url, args.demo_items)
    print(f"demo loaded in {time.perf_counter() - started:.0f} s")
    counts = clone(args.url, args.subjects, args.open, args.audit)
    print("copied: " + ", ".join(f"{t} {n:,}" for t, n in counts.items()))
    print(f"total {time.perf_counter() - started:.0f} s")
    storage(args.url)


if __name__ == "__main__":
    main()
