"""The case-file register (案卷库), filled from the .xlsx export of the city's online case system. Every row is
checked and reported by its sheet row number; good rows are added (or update the file with the same case number);
the same file (by content) is never imported twice."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.inspections import CaseFile, CaseFileImport
from models.org import Squad, User
from workflows import audit
from workflows.errors import Conflict, InvalidInput, PermissionDenied
from workflows.inspections import access, xlsx

COLUMNS = {"案件编号": "case_number", "承办中队": "squad", "承办人": "handler", "案件类型": "case_type",
           "是否重大法核": "legal_review", "决定日期": "decided_on", "罚款金额": "penalty", "案件状态": "status"}
REQUIRED = tuple(COLUMNS)
MAX_ROWS = 20000
YES = {"是": True, "否": False, "Y": True, "N": False, "1": True, "0": False, "": False}
FAMILY = "case_file_import"


@dataclass
class Outcome:
    job: CaseFileImport
    added: int
    updated: int
    errors: list[dict]


def _squads(session: Session) -> dict[str, int]:
    found = {}
    for s in session.scalars(select(Squad)):
        found[s.name] = found[s.street] = found[s.name.removesuffix("中队")] = s.id
    return found


def _handlers(session: Session) -> dict[tuple[int, str], int]:
    return {(u.squad_id, u.name): u.id for u in session.scalars(select(User).where(User.squad_id.is_not(None)))}


def _parse(row: dict, squads: dict, handlers: dict) -> dict:
    number = row.get("case_number", "")
    if not number or len(number) > 40:
        raise ValueError("案件编号为空或超过 40 字")
    squad_id = squads.get(row.get("squad", ""))
    if squad_id is None:
        raise ValueError(f"承办中队“{row.get('squad', '')}”不存在")
    handler = row.get("handler", "")
    if not handler or len(handler) > 64:
        raise ValueError("承办人为空或过长")
    legal = row.get("legal_review", "")
    if legal not in YES:
        raise ValueError("是否重大法核应填“是”或“否”")
    try:
        decided = date.fromisoformat(row.get("decided_on", "")[:10]) if row.get("decided_on") else None
    except ValueError:
        raise ValueError("决定日期格式应为 YYYY-MM-DD") from None
    if decided is not None and not 2000 <= decided.year <= 2099:
        raise ValueError("决定日期不正确")
    try:
        penalty = Decimal(row.get("penalty") or "0")
    except InvalidOperation:
        raise ValueError("罚款金额不是数字") from None
    if not penalty.is_finite() or penalty < 0 or penalty >= Decimal("1e10"):
        raise ValueError("罚款金额不正确")
    return {"case_number": number, "squad_id": squad_id, "handler_name": handler,
            "handler_id": handlers.get((squad_id, handler)), "case_type": (row.get("case_type") or "其他")[:64],
            "legal_review": YES[legal], "decided_on": decided, "penalty_amount": penalty.quantize(Decimal("0.01")),
            "status": (row.get("status") or "")[:32]}


def _new_digest(session: Session, actor: User, data: bytes) -> str:
    """The file's fingerprint, or Conflict when the same content was imported before."""
    if not access.may_edit_templates(actor):
        raise PermissionDenied("只有责任科室和系统管理员可以导入案卷")
    digest = hashlib.sha256(data).hexdigest()
    earlier = session.scalar(select(CaseFileImport).where(CaseFileImport.sha256 == digest))
    if earlier is not None:
        raise Conflict(f"该文件已于 {earlier.imported_at:%Y-%m-%d %H:%M}（UTC）导入过，不能重复导入")
    return digest


def _parse_rows(session: Session, rows: list[dict]) -> tuple[dict[str, dict], list[dict]]:
    """Good rows by case number (the first of a repeated number) and the errors of the others, by sheet row."""
    squads, handlers = _squads(session), _handlers(session)
    parsed, errors = {}, []
    for row in rows:
        try:
            values = _parse(row, squads, handlers)
        except ValueError as exc:
            errors.append({"row": row["row"], "message": str(exc)})
            continue
        if values["case_number"] in parsed:
            errors.append({"row": row["row"], "message": f"案件编号 {values['case_number']} 在文件中重复"})
            continue
        parsed[values["case_number"]] = values
    return parsed, errors


def _store(session: Session, job: CaseFileImport, parsed: dict[str, dict]) -> tuple[int, int]:
    """Add the new case numbers, update the known ones; returns (added, updated)."""
    existing = {c.case_number: c for c in session.scalars(select(CaseFile).where(
        CaseFile.case_number.in_(list(parsed))))} if parsed else {}
    session.add_all([CaseFile(**v, import_id=job.id) for k, v in parsed.items() if k not in existing])
    for number, case_file in existing.items():
        for key, value in parsed[number].items():
            setattr(case_file, key, value)
    return len(parsed) - len(existing), len(existing)


def import_file(session: Session, *, actor: User, now: datetime, filename: str, data: bytes) -> Outcome:
    """Import one export file; rows with errors are skipped and listed, the others are kept."""
    digest = _new_digest(session, actor, data)
    rows = xlsx.read_rows(data, COLUMNS, REQUIRED, MAX_ROWS)
    parsed, errors = _parse_rows(session, rows)
    if not parsed:
        raise InvalidInput("没有可导入的行：" + "；".join(f"第{e['row']}行 {e['message']}" for e in errors[:5]), "file")
    job = CaseFileImport(sha256=digest, filename=filename[:255], imported_by_id=actor.id, imported_at=now,
                         rows_total=len(rows))
    session.add(job)
    session.flush()
    added, updated = _store(session, job, parsed)
    job.rows_added, job.rows_updated, job.errors = added, updated, errors
    session.flush()
    audit.record(session, actor=actor, now=now, family=FAMILY, subject_id=job.id, action="import_case_files",
                 summary=f"导入案卷 {filename}：新增 {added}，更新 {updated}，错误 {len(errors)} 行",
                 details={"sha256": digest})
    return Outcome(job, added, updated, errors)


def sample_workbook() -> bytes:
    return xlsx.workbook("案卷", list(COLUMNS), [["3101052026000001", "华阳路街道中队", "张三", "违法搭建", "否",
                                                 "2026-10-08", "5000", "已结案"]])
