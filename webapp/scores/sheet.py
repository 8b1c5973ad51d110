"""The period report as .xlsx (openpyxl): one sheet for the squads, one for the people; total, rank, trend and
the breakdown by rule, printable on A4 landscape."""

from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

BUREAU = "长宁区城管执法局"
THIN = Side(style="thin", color="999999")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD = PatternFill("solid", fgColor="DDEBF7")


def _number(text: str | None):
    return float(text) if text not in (None, "") else None


def _sheet(ws, title: str, rows: list[dict], labels: dict[str, str], unit: bool) -> None:
    head = ["名次", "姓名" if unit else "中队", *(["中队"] if unit else []), "总分", "上期", "变化", "名次变化",
            *labels.values()]
    ws.cell(1, 1, title).font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(head))
    for c, text in enumerate(head, start=1):
        cell = ws.cell(2, c, text)
        cell.font, cell.fill, cell.border = Font(bold=True), HEAD, BOX
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
    for r, row in enumerate(rows, start=3):
        values = [row["rank"], row["name"], *([row["unit"]] if unit else []), _number(row["total"]),
                  _number(row.get("previous_total")), _number(row.get("delta")), row.get("movement"),
                  *(_number(row["breakdown"].get(code)) or 0 for code in labels)]
        for c, value in enumerate(values, start=1):
            ws.cell(r, c, value).border = BOX
    ws.freeze_panes = "C3"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.print_title_rows = "2:2"
    ws.column_dimensions["B"].width = 18


def build_xlsx(report: dict, labels: dict[str, str]) -> bytes:
    wb = Workbook()
    locked = "（已锁定）" if report.get("locked") else "（未锁定，数据可能变化）"
    _sheet(wb.active, f"{BUREAU} {report['label']}中队考核结果{locked}", report["squads"], labels, unit=False)
    wb.active.title = "中队"
    _sheet(wb.create_sheet("个人"), f"{BUREAU} {report['label']}个人考核结果{locked}", report["people"], labels,
           unit=True)
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
