"""Bulk import from a petition ledger (台账 .xlsx): parsed at upload, then taken in chunks that each
commit, with a row-by-row outcome. Idempotent: rows already taken (same external reference, or same
content where there is none) are reported as duplicates and not stored again."""

from __future__ import annotations

import hashlib
import io
import zipfile
from datetime import UTC, date, datetime

from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.org import Role, User
from models.petitions import CHANNELS, ImportJob, ImportRow, RepeatCandidate
from workflows.calendar import LOCAL_TZ
from workflows.errors import Conflict, DomainError, InvalidInput, PermissionDenied
from workflows.petitions import intake
from workflows.petitions.deadlines import DEFAULT_LIMITS, Limits

COLUMNS = {
    "外部编号": "external_ref", "来源渠道": "channel", "收件时间": "received_at", "信访人姓名": "petitioner_name",
    "联系电话": "petitioner_phone", "身份证号": "petitioner_id_no", "地址": "address", "所属街道": "street",
    "问题类别": "category", "反映内容": "content",
}
REQUIRED_COLUMNS = ("来源渠道", "收件时间", "地址", "问题类别", "反映内容")
CHANNEL_BY_LABEL = {**{v: k for k, v in CHANNELS.items()}, **{k: k for k in CHANNELS}, "12345": "hotline"}
MAX_ROWS = 20000
CHUNK = 100


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day).isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def parse_workbook(data: bytes) -> list[dict]:
    """The ledger's rows as dicts of strings (with their sheet row number); raises InvalidInput on the file."""
    try:
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise InvalidInput("文件不是有效的 Excel 台账（.xlsx）", "file") from exc
    rows = sheet.iter_rows(values_only=True)
    header = [_cell(v) for v in next(rows, ())]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise InvalidInput(f"台账缺少列：{'、'.join(missing)}（请使用模板）", "file")
    index = {COLUMNS[name]: i for i, name in enumerate(header) if name in COLUMNS}
    parsed = []
    for number, values in enumerate(rows, start=2):
        cells = [_cell(v) for v in values]
        if not any(cells):
            continue
        parsed.append({"row": number, **{key: cells[i] if i < len(cells) else "" for key, i in index.items()}})
        if len(parsed) > MAX_ROWS:
            raise InvalidInput(f"一次最多导入 {MAX_ROWS} 行，请拆分台账", "file")
    if not parsed:
        raise InvalidInput("台账中没有数据行", "file")
    return parsed


def parse_received_at(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.replace("/", "-"))
    except ValueError:
        raise InvalidInput("收件时间格式不正确（例：2026-10-08 09:30）", "received_at") from None
    return moment.replace(tzinfo=LOCAL_TZ).astimezone(UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def to_input(row: dict) -> intake.PetitionInput:
    channel = CHANNEL_BY_LABEL.get(row.get("channel", ""))
    if channel is None:
        raise InvalidInput(f"来源渠道只能是：{'、'.join(CHANNELS.values())}", "channel")
    if not row.get("received_at"):
        raise InvalidInput("请填写收件时间", "received_at")
    fields = {k: row.get(k, "") for k in ("address", "category", "content", "petitioner_name", "petitioner_phone",
                                          "petitioner_id_no", "street", "external_ref")}
    return intake.PetitionInput(channel=channel, received_at=parse_received_at(row["received_at"]), **fields)


def start_job(session: Session, *, actor: User, now: datetime, filename: str, data: bytes) -> ImportJob:
    if not actor.has(Role.COORDINATOR):
        raise PermissionDenied("只有协调科可以导入台账")
    rows = parse_workbook(data)
    job = ImportJob(filename=filename[:255] or "台账.xlsx", file_sha256=hashlib.sha256(data).hexdigest(), rows=rows,
                    status="running", total_rows=len(rows), processed_rows=0, created_count=0, duplicate_count=0,
                    refused_count=0, created_by_id=actor.id, created_at=now)
    session.add(job)
    session.flush()
    return job


def _take(session: Session, actor: User, now: datetime, row: dict, limits: Limits) -> tuple[str, str, int | None]:
    try:
        data = to_input(row)
        intake.validate(data, now)
        existing = intake.find_duplicate(session, data)
        if existing is not None:
            return "duplicate", f"已导入过（{existing.number}），未重复登记", existing.id
        with session.begin_nested():
            petition = intake.register(session, actor=actor, now=now, data=data, source="import", limits=limits)
    except Conflict as exc:
        return "duplicate", exc.message, None
    except InvalidInput as exc:
        label = intake.LABELS.get(exc.field or "", "")
        return "refused", exc.message if not label or label in exc.message else f"{label}：{exc.message}", None
    except DomainError as exc:
        return "refused", exc.message, None
    found = session.scalar(select(func.count(RepeatCandidate.id)).where(RepeatCandidate.petition_id == petition.id))
    return "created", petition.number + (f"（发现疑似重复 {found} 件，待认定）" if found else ""), petition.id


def process_chunk(session: Session, *, actor: User, now: datetime, job_id: int, size: int = CHUNK,
                  limits: Limits = DEFAULT_LIMITS) -> ImportJob:
    """Take the next `size` rows of a running job; the caller commits (one commit per chunk)."""
    job = session.get(ImportJob, job_id, with_for_update=True, populate_existing=True)
    if job is None or job.status != "running":
        return job
    counters = {"created": "created_count", "duplicate": "duplicate_count", "refused": "refused_count"}
    for row in job.rows[job.processed_rows:job.processed_rows + size]:
        outcome, message, petition_id = _take(session, actor, now, row, limits)
        session.add(ImportRow(job_id=job.id, row_number=row["row"], outcome=outcome, message=message[:300],
                              petition_id=petition_id))
        setattr(job, counters[outcome], getattr(job, counters[outcome]) + 1)
        job.processed_rows += 1
    if job.processed_rows >= job.total_rows:
        job.status, job.finished_at = "done", now
    session.flush()
    return job


def template() -> bytes:
    """A sample ledger with the expected columns and one example row."""
    book = Workbook()
    sheet = book.active
    sheet.title = "信访台账"
    sheet.append(list(COLUMNS))
    sheet.append(["示例-000001", "12345热线", "2026-10-08 09:30", "张三", "13800135678", "310105199001011234",
                  "长宁区延安西路123号", "华阳路街道", "夜间施工噪音", "延安西路123号工地夜间施工噪音扰民，影响休息。"])
    for column, width in zip("ABCDEFGHIJ", (20, 12, 18, 10, 14, 20, 26, 14, 14, 50), strict=True):
        sheet.column_dimensions[column].width = width
    notes = book.create_sheet("填写说明")
    notes.append(["来源渠道可填：" + "、".join(CHANNELS.values())])
    notes.append(["必填列：" + "、".join(REQUIRED_COLUMNS) + "；外部编号用于防止重复导入"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
