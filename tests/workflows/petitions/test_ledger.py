"""Ledger (.xlsx) import: row-by-row report, bad rows refused with the reason, re-import takes nothing twice."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from models.petitions import ImportRow, Petition
from tests.factories import NOW
from workflows.errors import InvalidInput, PermissionDenied
from workflows.petitions import ledger

HEADER = list(ledger.COLUMNS)


def workbook(rows) -> bytes:
    book = Workbook()
    book.active.append(HEADER)
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def row(ref, street, **kw):
    values = {"外部编号": ref, "来源渠道": "12345热线", "收件时间": "2026-10-20 09:30", "信访人姓名": "张三",
              "联系电话": "13800135678", "身份证号": "", "地址": "延安西路123号", "所属街道": street,
              "问题类别": "噪音", "反映内容": f"{ref} 工地夜间施工噪音"}
    values.update(kw)
    return [values[h] for h in HEADER]


def run(db, org, data, size=2):
    job = ledger.start_job(db, actor=org.coordinator, now=NOW, filename="台账.xlsx", data=data)
    while job.status == "running":
        job = ledger.process_chunk(db, actor=org.coordinator, now=NOW, job_id=job.id, size=size)
    return job, {r.row_number: r for r in db.scalars(select(ImportRow).where(ImportRow.job_id == job.id))}


def test_bad_rows_refused_with_reasons_and_reimport_takes_nothing_twice(db, org):
    street = org.squad_a.street
    data = workbook([
        row("A-1", street),
        row("A-2", street, **{"来源渠道": "传真"}),
        row("A-3", street, **{"收件时间": "昨天"}),
        row("A-4", street, **{"反映内容": ""}),
        row("", street, **{"反映内容": "无外部编号的投诉"}),
        row("A-1", street),
        row("A-5", street, **{"身份证号": "123"}),
    ])
    job, rows = run(db, org, data)
    assert (job.total_rows, job.created_count, job.duplicate_count, job.refused_count) == (7, 2, 1, 4)
    assert rows[3].outcome == "refused" and "来源渠道" in rows[3].message
    assert "收件时间" in rows[4].message and "反映内容" in rows[5].message and "身份证号" in rows[8].message
    assert rows[7].outcome == "duplicate"
    count = db.scalar(select(func.count(Petition.id)))
    assert count == 2
    again, rows2 = run(db, org, data, size=50)
    assert (again.created_count, again.duplicate_count, again.refused_count) == (0, 3, 4)
    assert db.scalar(select(func.count(Petition.id))) == count
    taken = db.scalar(select(Petition).where(Petition.external_ref == "A-1"))
    assert taken.squad_id == org.squad_a.id and taken.source == "import"


def test_not_an_excel_file_or_missing_columns(db, org):
    with pytest.raises(InvalidInput) as exc:
        ledger.start_job(db, actor=org.coordinator, now=NOW, filename="x.xlsx", data=b"not a zip")
    assert exc.value.field == "file"
    book = Workbook()
    book.active.append(["外部编号", "地址"])
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(InvalidInput, match="缺少列"):
        ledger.start_job(db, actor=org.coordinator, now=NOW, filename="x.xlsx", data=out.getvalue())
    with pytest.raises(PermissionDenied):
        ledger.start_job(db, actor=org.a_leader, now=NOW, filename="x.xlsx", data=workbook([]))


def test_template_is_a_valid_ledger(db, org):
    rows = ledger.parse_workbook(ledger.template())
    assert rows[0]["channel"] == "12345热线" and rows[0]["external_ref"]
    assert ledger.to_input(rows[0]).channel == "hotline"
