"""The supervision letter (printable page and .docx) and the monthly figures."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Response, abort, render_template, request
from flask_login import login_required

from models.cases import POINT_LABELS, SupervisionLetter
from models.org import Role
from models.referrals import OUTCOME_LABELS
from webapp.cases.common import LOCAL, bp
from webapp.cases.letter import body_lines, build_docx, cn_date
from webapp.db import session
from webapp.extensions import actor
from workflows.cases import figures
from workflows.errors import NotFound
from workflows.tasks.access import visible


def _letter(letter_id: int):
    db = session()
    letter = db.get(SupervisionLetter, letter_id)
    if letter is None:
        raise NotFound("督办函不存在")
    return letter, visible(db, actor(), "major_case", letter.case_id)[1]


@bp.route("/letters/<int:letter_id>")
@login_required
def letter_page(letter_id: int):
    letter, case = _letter(letter_id)
    return render_template("cases/letter.html", letter=letter, case=case, lines=body_lines(letter, case),
                           issued=cn_date(letter.issued_on))


@bp.route("/letters/<int:letter_id>.docx")
@login_required
def letter_docx(letter_id: int):
    letter, case = _letter(letter_id)
    name = f"督办函-{letter.year}-{letter.seq}.docx"
    return Response(build_docx(letter, case),
                    mimetype="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{_quote(name)}"})


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)


def _month_arg() -> tuple[int, int]:
    value = request.args.get("month") or datetime.now(UTC).astimezone(LOCAL).strftime("%Y-%m")
    try:
        parsed = datetime.strptime(value, "%Y-%m")
    except ValueError:
        abort(400, "月份格式应为 YYYY-MM")
    return parsed.year, parsed.month


@bp.route("/figures")
@login_required
def figures_page():
    if not actor().has(Role.COORDINATOR, Role.LEADER):
        abort(403, "只有协调科和局领导可以查看督办统计")
    year, month = _month_arg()
    data = figures.month(session(), year, month)
    return render_template("cases/figures.html", data=data, month=f"{year:04d}-{month:02d}", points=POINT_LABELS,
                           outcomes=OUTCOME_LABELS)
