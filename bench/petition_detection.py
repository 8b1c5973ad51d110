"""Benchmark: repeat detection against 100,000 earlier petitions (prints latency figures, not a test).

    .venv/bin/python bench/petition_detection.py [--url sqlite:////tmp/bench.db] [--rows 100000] [--probes 300]

Builds the petitions in a scratch database (SQLite file by default; pass a PostgreSQL URL of a scratch
database to measure there — its tables are dropped and recreated), then times find_repeats for new
petitions: median, p95 and max in milliseconds.
"""

from __future__ import annotations

import argparse
import random
import secrets
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, insert  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

import models  # noqa: E402
from models import pii  # noqa: E402
from models.petitions import Petition  # noqa: E402
from workflows.petitions import detection, normalize  # noqa: E402

STREETS = ["华阳路街道", "江苏路街道", "新华路街道", "周家桥街道", "天山路街道", "仙霞新村街道", "虹桥街道",
           "程家桥街道", "北新泾街道", "新泾镇"]
ROADS = ["长宁路", "愚园路", "新华路", "中山西路", "天山路", "仙霞路", "虹桥路", "哈密路", "北新泾路", "天山西路"]
CATEGORIES = ["夜间施工噪音", "占道经营", "餐饮油烟扰民", "违法搭建", "乱设摊", "建筑垃圾乱堆放", "渣土运输遗撒",
              "违规户外广告", "共享单车乱停放", "绿化带毁绿"]
PHRASES = ["严重影响居民休息", "影响行人通行", "周边居民意见很大", "多次反映未解决", "存在安全隐患", "气味难闻",
           "晚上十点以后仍在施工", "占用人行道", "垃圾堆放多日无人清理", "噪声很大"]
NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)


def fake(rng: random.Random, i: int) -> dict:
    s = rng.randrange(10)
    road, number, category = ROADS[s], rng.randint(1, 1500), rng.choice(CATEGORIES)
    phone = f"13{rng.randint(0, 9)}{rng.randint(0, 60000):08d}"
    address = f"{road}{number}号"
    content = f"{address}附近{category}问题，{rng.choice(PHRASES)}，{rng.choice(PHRASES)}，请求处理。"
    received = NOW - timedelta(days=rng.uniform(0, 400))
    return {"number": f"B{i:07d}", "channel": "hotline", "petitioner_name": "测试", "petitioner_phone": phone,
            "petitioner_id_no": "", "phone_index": normalize.phone_index(phone), "id_index": None, "address": address,
            "address_key": normalize.address_key(address), "street": STREETS[s], "category": category,
            "content": content, "received_at": received, "external_ref": None, "content_hash": f"{i:064d}",
            "source": "import", "status": "closed", "closed_at": received, "current_step_name": "办结",
            "difficult": False,
            "accept_due_at": received, "conclude_due_at": received, "deadline_provisional": False,
            "return_count": 0, "reopen_count": 0, "registered_at": received, "chain_id": i + 1}


def build(url: str, rows: int) -> Session:
    engine = create_engine(url)
    models.Base.metadata.drop_all(engine)
    models.Base.metadata.create_all(engine)
    rng = random.Random(1)
    started = time.perf_counter()
    with engine.begin() as conn:
        for chunk in range(0, rows, 5000):
            conn.execute(insert(Petition), [fake(rng, i) for i in range(chunk, min(chunk + 5000, rows))])
    print(f"built {rows} petitions in {time.perf_counter() - started:.1f}s ({engine.dialect.name})")
    return Session(engine)


def probe(rng: random.Random) -> Petition:
    row = fake(rng, 10_000_000 + rng.randrange(1000))
    row["received_at"] = NOW
    return Petition(id=-1, **{k: v for k, v in row.items() if k != "chain_id"})


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default=f"sqlite:///{tempfile.mkdtemp(prefix='duban-bench-')}/bench.db")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--probes", type=int, default=300)
    args = parser.parse_args()
    pii.configure(secrets.token_hex(32))  # the phones are encrypted and matched by blind index, as in production
    db = build(args.url, args.rows)
    rng = random.Random(2)
    times, found = [], 0
    for _ in range(args.probes):
        petition = probe(rng)
        started = time.perf_counter()
        found += len(detection.find_repeats(db, petition))
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    p95 = times[int(len(times) * 0.95) - 1]
    print(f"find_repeats over {args.rows} petitions, {args.probes} probes: median {statistics.median(times):.1f} ms, "
          f"p95 {p95:.1f} ms, max {times[-1]:.1f} ms; {found / args.probes:.1f} candidates per probe")


if __name__ == "__main__":
    main()
