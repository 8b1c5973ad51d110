"""The supervision letter (督办函) as a .docx document, from the stored letter."""

from __future__ import annotations

from models.cases import MajorCase, SupervisionLetter
from webapp.documents import OfficialDocument, cn_date
from webapp.filters import local

__all__ = ["body_lines", "build_docx", "cn_date"]


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


def build_docx(letter: SupervisionLetter, case: MajorCase) -> bytes:
    doc = OfficialDocument(f"督办函 {letter.number}")
    doc.heading(letter.issuer, "督 办 函", letter.number)
    doc.para(f"{letter.recipient}：")
    doc.body(body_lines(letter, case))
    doc.signature(letter.issuer, letter.issued_on)
    return doc.bytes()
