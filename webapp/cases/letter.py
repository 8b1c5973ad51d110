"""The supervision letter (督办函) as a .docx document, from the stored letter."""

from __future__ import annotations

from io import BytesIO

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from models.cases import MajorCase, SupervisionLetter
from webapp.filters import local


def cn_date(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def body_lines(letter: SupervisionLetter, case: MajorCase) -> list[str]:
    """The letter's text, shared by the .docx and the printable page."""
    subject = f"关于“{case.title}”" + (f"（案件编号：{case.case_number}）" if case.case_number else "")
    lines = [f"{subject}一案，现予督办。督办事项：{letter.matters}", "经审查，情况如下："]
    lines += letter.findings.splitlines()
    if letter.deadline_at:
        lines.append(f"请于{local(letter.deadline_at, '%Y年%m月%d日')}前完成整改，并将整改情况书面报送局协调科。")
    else:
        lines.append("请继续依法规范办理，并将办理结果书面报送局协调科。")
    return lines


def _font(run, size: int, bold: bool = False) -> None:
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = "仿宋"
    run._element.rPr.rFonts.set(qn("w:eastAsia"), "仿宋")


def _para(doc, text: str, size: int = 16, bold: bool = False, align=None):
    paragraph = doc.add_paragraph()
    _font(paragraph.add_run(text), size, bold)
    if align is not None:
        paragraph.alignment = align
    return paragraph


def build_docx(letter: SupervisionLetter, case: MajorCase) -> bytes:
    doc = Document()
    doc.core_properties.title = f"督办函 {letter.number}"
    _para(doc, letter.issuer, 22, True, WD_ALIGN_PARAGRAPH.CENTER)
    _para(doc, "督 办 函", 26, True, WD_ALIGN_PARAGRAPH.CENTER)
    _para(doc, letter.number, 16, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(doc, f"{letter.recipient}：")
    for line in body_lines(letter, case):
        _para(doc, line).paragraph_format.first_line_indent = Pt(32)
    _para(doc, letter.issuer, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _para(doc, cn_date(letter.issued_on), align=WD_ALIGN_PARAGRAPH.RIGHT)
    buffer = BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
