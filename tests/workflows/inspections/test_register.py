"""The case-file register import: errors per row, good rows kept, the same file never imported twice."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from models.inspections import CaseFile
from tests.factories import NOW
from workflows.errors import Conflict, InvalidInput, PermissionDenied
from workflows.inspections import register

HEADER = list(register.COLUMNS)


def _xlsx(rows) -> bytes:
    book = Workbook()
    book.active.append(HEADER)
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_bad_rows_are_reported_and_good_ones_kept(db, org):
    data = _xlsx([
        ["A001", org.squad_a.name, org.a_member.name, "违法搭建", "是", "2026-10-08", "5000", "已结案"],
        ["A002", "不存在中队", "张三", "占道经营", "否", "2026-10-09", "200", "已结案"],
        ["A003", org.squad_b.name, "李四", "占道经营", "也许", "2026-10-09", "200", "已结案"],
        ["A004", org.squad_b.name, "李四", "占道经营", "否", "2026/13/40", "200", "已结案"],
        ["A005", org.squad_b.name, "李四", "占道经营", "否", "2026-10-10", "-1", "已结案"],
        ["A001", org.squad_a.name, "王五", "违法搭建", "否", "2026-10-08", "5000", "已结案"],
    ])
    outcome = register.import_file(db, actor=org.officer, now=NOW, filename="导出.xlsx", data=data)
    assert outcome.added == 1 and [e["row"] for e in outcome.errors] == [3, 4, 5, 6, 7]
    assert "不存在" in outcome.errors[0]["message"] and "重复" in outcome.errors[-1]["message"]
    case_file = db.scalar(select(CaseFile).where(CaseFile.case_number == "A001"))
    assert case_file.handler_id == org.a_member.id and case_file.legal_review is True
    with pytest.raises(Conflict, match="不能重复导入"):
        register.import_file(db, actor=org.officer, now=NOW, filename="导出(1).xlsx", data=data)


def test_a_new_export_updates_known_case_numbers(db, org):
    register.import_file(db, actor=org.officer, now=NOW, filename="1.xlsx", data=_xlsx([
        ["B001", org.squad_a.name, "张三", "违法搭建", "否", "2026-10-08", "5000", "办理中"]]))
    second = register.import_file(db, actor=org.officer, now=NOW, filename="2.xlsx", data=_xlsx([
        ["B001", org.squad_a.name, "张三", "违法搭建", "否", "2026-10-08", "5000", "已结案"],
        ["B002", org.squad_a.name, "张三", "违法搭建", "否", "2026-10-09", "0", "已结案"]]))
    assert (second.added, second.updated) == (1, 1)
    assert db.scalar(select(CaseFile.status).where(CaseFile.case_number == "B001")) == "已结案"
    assert db.scalar(select(func.count(CaseFile.id))) == 2


def test_a_file_that_is_not_a_register_is_refused(db, org):
    with pytest.raises(InvalidInput, match="不是有效的 Excel"):
        register.import_file(db, actor=org.officer, now=NOW, filename="x.xlsx", data=b"not a zip")
    book = Workbook()
    book.active.append(["案件编号"])
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(InvalidInput, match="缺少列"):
        register.import_file(db, actor=org.officer, now=NOW, filename="y.xlsx", data=out.getvalue())
    with pytest.raises(PermissionDenied):
        register.import_file(db, actor=org.a_member, now=NOW, filename="z.xlsx", data=_xlsx([]))
