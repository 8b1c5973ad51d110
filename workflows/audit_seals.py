"""Seals over the audit trail, and `verify`, which checks everything.

A seal records the global counter, how many subjects have entries, and a digest of every chain's head
(family, subject, last seq, last MAC), keyed with the audit key and linked to the previous seal. The scheduler
writes one when entries were added since the last (at most every `interval`), to the database and as one JSON
line appended to a file (and the file is compared with the table, so deleting seal rows shows too)."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.audit import AuditEntry, AuditSeal
from workflows import audit, numbering


@dataclass
class Report:
    entries: int = 0
    subjects: int = 0
    seals: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.problems


def _heads(session: Session, upto: int) -> tuple[int, str]:
    """(number of subjects, digest of every chain's head) over entries with gseq <= upto."""
    last = (select(AuditEntry.family, AuditEntry.subject_id, func.max(AuditEntry.seq).label("seq"))
            .where(AuditEntry.gseq <= upto).group_by(AuditEntry.family, AuditEntry.subject_id).subquery())
    rows = session.execute(
        select(AuditEntry.family, AuditEntry.subject_id, AuditEntry.seq, AuditEntry.hash)
        .join(last, (AuditEntry.family == last.c.family) & (AuditEntry.subject_id == last.c.subject_id)
              & (AuditEntry.seq == last.c.seq))
        .order_by(AuditEntry.family, AuditEntry.subject_id)).all()
    h = hashlib.sha256()
    for row in rows:
        h.update(f"{row.family}:{row.subject_id}:{row.seq}:{row.hash}\n".encode())
    return len(rows), h.hexdigest()


def _seal_body(seal: AuditSeal) -> bytes:
    return json.dumps({"no": seal.no, "at": seal.at.isoformat(), "last_gseq": seal.last_gseq, "chains": seal.chains,
                       "heads": seal.heads_digest, "prev": seal.prev_mac, "alg": seal.alg}, sort_keys=True).encode()


def _line(seal: AuditSeal) -> str:
    return json.dumps({"no": seal.no, "at": seal.at.isoformat(), "last_gseq": seal.last_gseq, "chains": seal.chains,
                       "heads": seal.heads_digest, "prev": seal.prev_mac, "alg": seal.alg, "mac": seal.mac},
                      sort_keys=True)


def seal(session: Session, now: datetime, *, path: str | None = None, interval: timedelta = timedelta(0),
         force: bool = False) -> AuditSeal | None:
    """Write a seal when entries were added since the last one and `interval` has passed (or `force`)."""
    last = session.scalar(select(AuditSeal).order_by(AuditSeal.no.desc()).limit(1))
    top = session.scalar(select(func.max(AuditEntry.gseq))) or 0
    if not force and last is not None and (last.last_gseq == top or now - last.at < interval):
        return None
    no = numbering.next_seq(session, "audit_seal", 0, lambda: last.no if last else 0)
    chains, heads = _heads(session, top)
    row = AuditSeal(no=no, at=now, last_gseq=top, chains=chains, heads_digest=heads,
                    prev_mac=last.mac if last else audit.GENESIS, alg=audit.current_alg(), mac="")
    row.mac = audit.mac(_seal_body(row), row.alg)
    session.add(row)
    session.flush()
    if path:
        _append(path, _line(row))
    return row


def _append(path: str, line: str) -> None:
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, (line + "\n").encode())
        os.fsync(fd)
    finally:
        os.close(fd)


def verify(session: Session, *, path: str | None = None) -> Report:
    """Check every entry's MAC and chain link, the gapless global sequence against the counter, every seal, the
    latest seal against the chains it covers, and the seal file against the table."""
    report = Report()
    _check_entries(session, report)
    counter = numbering.peek(session, audit.COUNTER, 0)
    if counter is not None and counter != report.entries:
        report.problems.append(f"全局序号计数器为 {counter}，但只有 {report.entries} 条记录（末尾记录被删除）")
    _check_seals(session, report, path)
    return report


def _check_entries(session: Session, report: Report) -> None:
    expected_gseq = 1
    prev: dict[tuple[str, int], tuple[int, str]] = {}
    query = select(AuditEntry).order_by(AuditEntry.gseq).execution_options(yield_per=2000)
    for entry in session.scalars(query):
        report.entries += 1
        if entry.gseq != expected_gseq:
            report.problems.append(f"全局序号 {expected_gseq}–{entry.gseq - 1} 缺失（记录被删除）")
        expected_gseq = entry.gseq + 1
        key = (entry.family, entry.subject_id)
        seq, link = prev.get(key, (0, audit.GENESIS))
        if entry.alg == audit.LEGACY:
            report.problems.append(f"{entry.family}#{entry.subject_id} seq {entry.seq}：未加密钥的旧记录")
        elif entry.seq != seq + 1 or entry.prev_hash != link or audit.digest(entry) != entry.hash:
            report.problems.append(f"{entry.family}#{entry.subject_id} seq {entry.seq}（全局 {entry.gseq}）被改动")
        prev[key] = (entry.seq, entry.hash)
    report.subjects = len(prev)


def _check_seals(session: Session, report: Report, path: str | None) -> None:
    seals = list(session.scalars(select(AuditSeal).order_by(AuditSeal.no)))
    report.seals = len(seals)
    prev = audit.GENESIS
    for number, row in enumerate(seals, start=1):
        if row.no != number or row.prev_mac != prev or audit.mac(_seal_body(row), row.alg) != row.mac:
            report.problems.append(f"封存记录 {row.no} 被改动或缺失")
        prev = row.mac
    if seals:
        latest = seals[-1]
        if latest.last_gseq > report.entries:
            report.problems.append(f"封存记录 {latest.no} 覆盖到全局序号 {latest.last_gseq}，"
                                   f"现仅有 {report.entries} 条")
        elif _heads(session, latest.last_gseq) != (latest.chains, latest.heads_digest):
            report.problems.append(f"封存记录 {latest.no} 之后，已封存的审计链被改动或整体删除")
    if path:
        _check_file(seals, path, report)


def _check_file(seals: list[AuditSeal], path: str, report: Report) -> None:
    target = Path(path)
    lines = target.read_text().splitlines() if target.exists() else []
    in_db = {_line(s) for s in seals}
    missing = [json.loads(line)["no"] for line in lines if line and line not in in_db]
    if missing:
        report.problems.append(f"封存文件中的封存记录 {missing[:5]} 在数据库中缺失或不一致")
    if len([line for line in lines if line]) < len(seals):
        report.problems.append("数据库中的封存记录多于封存文件（文件被截断或记录被伪造）")
