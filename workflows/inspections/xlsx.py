"""Reading an uploaded .xlsx sheet into rows keyed by its Chinese column headers (shared by the imports)."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime

from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from workflows.errors import InvalidInput


def cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_rows(data: bytes, columns: dict[str, str], required: tuple[str, ...], max_rows: int) -> list[dict]:
    """Rows of the first sheet as {key: text, "row": sheet row number}; InvalidInput (field "file") on a bad file."""
    try:
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError, IndexError) as exc:
        raise InvalidInput("文件不是有效的 Excel 文件（.xlsx）", "file") from exc
    rows = sheet.iter_rows(values_only=True)
    header = [cell(v) for v in next(rows, ())]
    missing = [c for c in required if c not in header]
    if missing:
        raise InvalidInput(f"缺少列：{'、'.join(missing)}", "file")
    index = {columns[name]: i for i, name in enumerate(header) if name in columns}
    parsed = []
    for number, values in enumerate(rows, start=2):
        cells = [cell(v) for v in values]
        if not any(cells):
            continue
        parsed.append({"row": number, **{key: cells[i] if i < len(cells) else "" for key, i in index.items()}})
        if len(parsed) > max_rows:
            raise InvalidInput(f"一次最多导入 {max_rows} 行，请拆分文件", "file")
    if not parsed:
        raise InvalidInput("文件中没有数据行", "file")
    return parsed


def workbook(title: str, header: list[str], rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
