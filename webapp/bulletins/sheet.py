"""The bulletin's columns (shared by the page and the workbook) and the .xlsx export built with openpyxl."""

from __future__ import annotations

from collections.abc import Callable
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from workflows.bulletins import Bulletin, SquadRow
from workflows.calendar import LOCAL_TZ

BUREAU = "长宁区城管执法局"
GROUPS: list[tuple[str, list[tuple[str, str]]]] = [
    ("批示件", [("received", "收件"), ("closed", "办结"), ("closed_on_time", "按期办结"), ("overdue", "超期"),
                ("extensions", "延期申请"), ("urges", "催办"), ("returns", "退回"), ("satisfied", "满意"),
                ("basically", "基本满意"), ("unsatisfied", "不满意")]),
    ("信访件", [("petitions_received", "收件"), ("petition_repeats", "重复件"), ("petitions_closed", "办结"),
                ("petitions_on_time", "按期办结"), ("callbacks_made", "已回访"),
                ("petition_satisfaction_rate", "满意率(%)"), ("petitions_reopened", "重新整改")]),
    ("重大案件 / 追责", [("cases", "督办案件"), ("problems", "发现问题"), ("referrals", "追责移送"),
                        ("referrals_closed", "追责办结")]),
    ("协办 / 退单", [("co_parts", "协办任务"), ("co_late", "协办超期"), ("jur_returns", "退单"),
                   ("jur_rejected", "退单被驳回")]),
    ("慢作为", [("overdue_steps", "超期环节")]),
]
KEYS = [key for _, columns in GROUPS for key, _ in columns]
RATES = {"petition_satisfaction_rate"}

THIN = Side(style="thin", color="999999")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
HEADER_ROWS = (3, 4)

# Further sheets other areas add to the workbook (e.g. the month's inspection results): fn(workbook, bulletin).
SECTIONS: list[Callable[[Workbook, Bulletin], None]] = []


def section(fn: Callable[[Workbook, Bulletin], None]) -> Callable[[Workbook, Bulletin], None]:
    """Register a further sheet of the bulletin's workbook (the same sections the page includes)."""
    SECTIONS.append(fn)
    return fn


def title(bulletin: Bulletin) -> str:
    return f"{BUREAU} 督办工作月度通报（{bulletin.title_month}）"


def value(row: SquadRow, key: str):
    return getattr(row, key)


def _header(ws) -> None:
    top, sub = HEADER_ROWS
    ws.cell(top, 1, "中队")
    ws.merge_cells(start_row=top, start_column=1, end_row=sub, end_column=1)
    col = 2
    for group, columns in GROUPS:
        ws.cell(top, col, group)
        if len(columns) > 1:
            ws.merge_cells(start_row=top, start_column=col, end_row=top, end_column=col + len(columns) - 1)
        for offset, (_, label) in enumerate(columns):
            ws.cell(sub, col + offset, label)
        col += len(columns)
    for r in HEADER_ROWS:
        for c in range(1, len(KEYS) + 2):
            cell = ws.cell(r, c)
            cell.font, cell.alignment, cell.fill, cell.border = Font(bold=True), CENTER, HEAD_FILL, BOX


def _body_row(ws, r: int, row: SquadRow, bold: bool = False) -> None:
    ws.cell(r, 1, row.name)
    for c, key in enumerate(KEYS, start=2):
        cell = ws.cell(r, c, value(row, key))
        if key in RATES:
            cell.number_format = "0.0"
    for c in range(1, len(KEYS) + 2):
        cell = ws.cell(r, c)
        cell.border, cell.font = BOX, Font(bold=bold)
        cell.alignment = Alignment(horizontal="left" if c == 1 else "center", vertical="center")


def _partial(bulletin: Bulletin) -> str:
    if not bulletin.partial:
        return ""
    return f"；本月尚未结束，数据截至 {bulletin.cutoff.astimezone(LOCAL_TZ):%Y-%m-%d %H:%M}"


def build_xlsx(bulletin: Bulletin) -> bytes:
    """The main sheet (the title, the grouped header, a row per squad, the totals, the notes), then the registered
    sections' sheets."""
    wb = Workbook()
    ws = wb.active
    ws.title = f"{bulletin.title_month}通报"
    last = len(KEYS) + 1
    ws.cell(1, 1, title(bulletin)).font = Font(bold=True, size=14)
    ws.cell(1, 1).alignment = Alignment(horizontal="center", vertical="center")
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=last)
    ws.row_dimensions[1].height = 28
    ws.cell(2, 1, f"统计期间：{bulletin.title_month}1日至月末（北京时间）" + _partial(bulletin))
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=last)
    _header(ws)
    r = HEADER_ROWS[-1] + 1
    for row in bulletin.rows:
        _body_row(ws, r, row)
        r += 1
    _body_row(ws, r, bulletin.total, bold=True)
    for offset, note in enumerate(bulletin.notes, start=2):
        ws.cell(r + offset, 1, note)
    ws.column_dimensions["A"].width = 18
    for c in range(2, last + 1):
        ws.column_dimensions[get_column_letter(c)].width = 9
    ws.freeze_panes = ws.cell(HEADER_ROWS[-1] + 1, 2)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.print_title_rows = f"{HEADER_ROWS[0]}:{HEADER_ROWS[-1]}"
    for add in SECTIONS:
        add(wb, bulletin)
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
