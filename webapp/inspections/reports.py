"""Outputs: the printable round report (page and .docx), the figures page, and the inspection section of the
monthly bulletin (a context helper the bulletin template includes, and a sheet of the bulletin's workbook)."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from flask import Response, abort, render_template, request
from flask_login import login_required
from sqlalchemy import select

from models.inspections import Finding, InspectionRound
from webapp.bulletins import sheet as bulletin_sheet
from webapp.db import report_session, session
from webapp.extensions import actor
from webapp.inspections.common import DOCX, attachment_name, bp, require_staff
from webapp.inspections.views import visible_round
from workflows.calendar import LOCAL_TZ
from workflows.inspections import access, figures


def _report_data(rnd: InspectionRound) -> dict:
    db = session()
    findings = list(db.scalars(select(Finding).where(Finding.round_id == rnd.id,
                                                     Finding.status.in_(figures.CONFIRMED))
                               .order_by(Finding.squad_id, Finding.id)))
    per_squad: dict = {}
    for t in rnd.targets:
        row = per_squad.setdefault(t.squad.name, {"targets": 0, "score": 0.0, "findings": 0})
        row["targets"] += 1
        row["score"] += float(t.score or 0)
    for f in findings:
        per_squad[f.squad.name]["findings"] += 1
    for row in per_squad.values():
        row["average"] = round(row["score"] / row["targets"], 1) if row["targets"] else 0
    return {"rnd": rnd, "findings": findings, "per_squad": per_squad,
            "progress": figures.progress(db, [rnd.id], datetime.now(UTC))[rnd.id]}


def _reader_round(round_id: int) -> InspectionRound:
    if access.is_guest(actor()):
        abort(404)
    return visible_round(round_id)


@bp.route("/<int:round_id>/report")
@login_required
def report(round_id: int):
    return render_template("inspections/report.html", **_report_data(_reader_round(round_id)))


def build_docx(data: dict) -> bytes:
    from docx import Document

    rnd = data["rnd"]
    doc = Document()
    doc.add_heading(f"{rnd.title}检查报告", level=1)
    doc.add_paragraph(f"编号：{rnd.number}　期间：{rnd.period}　检查表：《{rnd.template_version.template.name}》"
                      f"第 {rnd.template_version.version} 版　责任单位："
                      f"{rnd.owner_section.name if rnd.owner_section else rnd.squad.name}")
    p = data["progress"]
    doc.add_paragraph(f"共检查对象 {p.targets} 个，确认问题 {p.findings} 个，已整改销号 {p.closed} 个，"
                      f"超期 {p.late} 个，退回重新整改 {p.returned} 个。")
    doc.add_heading("一、各中队得分", level=2)
    table = doc.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ("中队", "检查对象", "平均得分", "问题数"), strict=True):
        cell.text = text
    for name, row in data["per_squad"].items():
        cells = table.add_row().cells
        cells[0].text, cells[1].text, cells[2].text, cells[3].text = (name, str(row["targets"]), str(row["average"]),
                                                                      str(row["findings"]))
    doc.add_heading("二、发现的问题", level=2)
    for n, f in enumerate(data["findings"], start=1):
        doc.add_paragraph(f"{n}. {f.squad.name} · {f.target.label} · {f.category}（扣 {f.deduction} 分）："
                          f"{f.description}　整改：{f.status_label}")
    doc.add_paragraph(f"生成时间：{datetime.now(UTC).astimezone(LOCAL_TZ):%Y-%m-%d %H:%M}")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


@bp.route("/<int:round_id>/report.docx")
@login_required
def report_docx(round_id: int):
    data = _report_data(_reader_round(round_id))
    return Response(build_docx(data), mimetype=DOCX,
                    headers={"Content-Disposition": attachment_name(f"{data['rnd'].number}检查报告.docx")})


def _year() -> int:
    year = request.args.get("year", type=int) or datetime.now(UTC).astimezone(LOCAL_TZ).year
    if not 2000 <= year <= 2099:
        abort(400, "年度不正确")
    return year


@bp.route("/figures")
@login_required
def figures_page():
    require_staff(actor())
    db, year = session(), _year()
    squads, months, counts = figures.per_squad_month(db, year)
    categories = figures.per_category(db, year)
    grid = [(s, [counts.get((s.id, m), 0) for m in months]) for s in squads]
    return render_template("inspections/figures.html", year=year, grid=grid, months=months,
                           categories=categories, top=figures.by_category(categories))


BULLETIN_COLUMNS = ["中队", "涉及检查轮次", "确认问题", "扣分", "整改销号", "其中超期", "其中曾退回"]


@bulletin_sheet.section
def bulletin_inspections(wb, bulletin) -> None:
    """The month's inspection results as a sheet of the bulletin's workbook (the page's section, same figures)."""
    data = figures.month_section(report_session(), bulletin.month)
    ws = wb.create_sheet("执法监督检查")
    ws.append([f"{bulletin.title_month}执法监督检查情况"])
    ws.append(BULLETIN_COLUMNS)
    for r in data["rows"]:
        ws.append([r.squad.name, r.rounds, r.findings, round(r.deduction, 1), r.closed, r.late, r.returned])
    ws.append([])
    ws.append([f"本月开启检查 {len(data['rounds'])} 轮"])
    for rnd in data["rounds"]:
        ws.append([rnd.number, rnd.title])
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["B"].width = 40


@bp.app_context_processor
def _bulletin_helpers():
    def inspection_section(month: str) -> dict:
        return figures.month_section(report_session(), month)

    return {"inspection_section": inspection_section}
