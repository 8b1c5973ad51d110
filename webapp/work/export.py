"""The .xlsx export of a worklist: every row matching the current filters (not only the page), written with
openpyxl's write-only workbook to a spooled temporary file, so memory stays flat however long the list."""

from __future__ import annotations

from datetime import UTC, datetime
from tempfile import SpooledTemporaryFile

from flask import abort, send_file
from flask_login import login_required
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from models.subjects import LEVEL_LABELS
from webapp import subjects
from webapp.db import session
from webapp.extensions import actor
from webapp.filters import local
from webapp.work.common import bp, filters
from workflows import audit, users, worklists
from workflows.calendar import LOCAL_TZ

HEADERS = {
    "todo": ["编号", "类别", "事项", "当前环节", "环节期限", "督办等级", "办理人"],
    "delegated": ["编号", "类别", "事项", "环节", "环节期限", "督办等级", "受托人"],
    "done": ["办理时间", "编号", "类别", "事项", "环节", "结果"],
    "registered": ["编号", "类别", "事项", "登记时间", "办理期限", "状态", "督办等级"],
    "cc": ["抄送时间", "编号", "类别", "事项", "办理期限", "状态", "已读"],
}


def _values(name: str, row: worklists.Row, labels: dict[str, str]) -> list:
    s = row.subject
    family, level = labels.get(s.family, s.family), LEVEL_LABELS.get(s.level, "")
    status = "办结" if s.status == "closed" else "办理中"
    if name in ("todo", "delegated"):
        return [s.number, family, s.title, row.work.step_name, local(row.work.due_at), level,
                "" if row.work.assignee_id is None else row.names.get(row.work.assignee_id, "")]
    if name == "done":
        return [local(row.entry.at), s.number, family, s.title, row.entry.details.get("step_name", row.entry.step),
                row.entry.summary]
    if name == "cc":
        return [local(row.cc.cc_at), s.number, family, s.title, local(s.deadline_at), status,
                local(row.cc.read_at) if row.cc.read_at else "未读"]
    return [s.number, family, s.title, local(s.registered_at), local(s.deadline_at), status, level]


@bp.route("/lists/<name>/export.xlsx")
@login_required
def export(name: str):
    if name not in worklists.LISTS:
        abort(404)
    db, me, now = session(), actor(), datetime.now(UTC)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(worklists.LIST_LABELS[name])
    bold = Font(bold=True)
    heads = []
    for text in HEADERS[name]:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = bold
        heads.append(cell)
    sheet.append(heads)
    labels, count = subjects.family_labels(), 0
    for row in worklists.all_rows(db, name, me, filters(), now):
        sheet.append(_values(name, row, labels))
        count += 1
    out = SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - send_file closes it after sending
    book.save(out)
    out.seek(0)
    users.locked(db, me.id)
    audit.record(db, actor=me, now=now, family="user", subject_id=me.id, action="export",
                 summary=f"导出{worklists.LIST_LABELS[name]} {count} 行", details={"list": name, "rows": count})
    db.commit()
    stamp = now.astimezone(LOCAL_TZ).strftime("%Y%m%d-%H%M")
    return send_file(out, as_attachment=True, download_name=f"{worklists.LIST_LABELS[name]}-{stamp}.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
