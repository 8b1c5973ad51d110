"""Official documents (督办函, 督办单, minutes) as .docx: 仿宋 text, centred headings, right-aligned issuer."""

from __future__ import annotations

from io import BytesIO

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

CENTER, RIGHT = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT


def cn_date(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _font(run, size: int, bold: bool = False) -> None:
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = "仿宋"
    run._element.rPr.rFonts.set(qn("w:eastAsia"), "仿宋")


class OfficialDocument:
    def __init__(self, title: str):
        self.doc = Document()
        self.doc.core_properties.title = title

    def para(self, text: str, size: int = 16, bold: bool = False, align=None, indent: bool = False):
        paragraph = self.doc.add_paragraph()
        _font(paragraph.add_run(text), size, bold)
        if align is not None:
            paragraph.alignment = align
        if indent:
            paragraph.paragraph_format.first_line_indent = Pt(32)
        return paragraph

    def heading(self, issuer: str, title: str, number: str) -> None:
        self.para(issuer, 22, True, CENTER)
        self.para(title, 26, True, CENTER)
        if number:
            self.para(number, 16, align=CENTER)

    def body(self, lines: list[str]) -> None:
        for line in lines:
            self.para(line, indent=True)

    def signature(self, issuer: str, day) -> None:
        self.para(issuer, align=RIGHT)
        self.para(cn_date(day), align=RIGHT)

    def bytes(self) -> bytes:
        buffer = BytesIO()
        self.doc.save(buffer)
        return buffer.getvalue()
