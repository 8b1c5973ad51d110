"""The score sheet: a reviewer scores one target item by item and records the problems found with evidence."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import login_required

from models.inspections import FAMILY_FINDING
from webapp import uploads
from webapp.db import session
from webapp.extensions import actor
from webapp.fields import has_control_characters
from webapp.inspections.common import bp
from webapp.inspections.views import visible_round
from workflows.errors import Conflict, InvalidInput, PermissionDenied
from workflows.inspections import review

PROBLEM_ROWS = 5
MAX_TEXT = 2000


def _target(rnd, target_id: int):
    target = next((t for t in rnd.targets if t.id == target_id), None)
    if target is None or target.reviewer_id != actor().id:
        abort(404, "评查对象不存在或不由您评查")
    return target


def _mark(item, form) -> dict:
    raw = form.get(f"item_{item.id}", "")
    if item.method == "pass_fail":
        return {"passed": True} if raw == "pass" else {"passed": False} if raw == "fail" else {}
    if item.method == "scale":
        return {"rating": int(raw)} if raw.isdigit() and len(raw) < 4 else {}
    return {}


def _problems(items: dict, form) -> list[tuple[int, review.Problem]]:
    """(row number, problem) of every filled problem row."""
    found = []
    for n in range(PROBLEM_ROWS):
        choice, text = form.get(f"p{n}_category", ""), form.get(f"p{n}_text", "").strip()
        if not choice and not text:
            continue
        item_id, _, category = choice.partition(":")
        if not item_id.isdigit() or int(item_id) not in items:
            raise InvalidInput(f"第{n + 1}个问题请选择检查项和类别", f"p{n}_category")
        if not text or len(text) > MAX_TEXT:
            raise InvalidInput(f"第{n + 1}个问题请填写描述（{MAX_TEXT}字以内）", f"p{n}_text")
        video, at = form.get(f"p{n}_video", "").strip()[:500], form.get(f"p{n}_video_at", "").strip()[:16]
        found.append((n, review.Problem(int(item_id), category, text, video, at)))
    return found


def _sheet(rnd) -> tuple[review.Sheet, list[int]]:
    """The submitted sheet and, for each of its problems, the form row it came from."""
    form = request.form
    if any(has_control_characters(v) for v in form.values()):
        raise InvalidInput("输入内容包含不可见的控制字符，请删除后重试", "comment")
    items = {i.id: i for i in rnd.template_version.items}
    rows = _problems(items, form)
    sheet = review.Sheet({i.id: _mark(i, form) for i in items.values()}, [p for _, p in rows],
                         form.get("comment", "")[:MAX_TEXT])
    return sheet, [n for n, _ in rows]


@bp.route("/<int:round_id>/targets/<int:target_id>/review", methods=["GET", "POST"])
@login_required
def review_target(round_id: int, target_id: int):
    db, me = session(), actor()
    rnd = visible_round(round_id)
    target = _target(rnd, target_id)
    error = None
    if request.method == "POST":
        now = datetime.now(UTC)
        try:
            sheet, row_numbers = _sheet(rnd)
            files = [uploads.collect(_Files(n)) for n in row_numbers]
            found = review.submit(db, actor=me, now=now, target_id=target.id, sheet=sheet)
            for finding, evidence in zip(found, files, strict=True):
                uploads.save_all(db, actor=me, now=now, family=FAMILY_FINDING, subject_id=finding.id,
                                 step="review", uploads=evidence)
        except (InvalidInput, PermissionDenied, Conflict) as exc:
            db.rollback()
            error = exc
        else:
            db.commit()
            flash(f"已提交 {target.label} 的评查结果：{target.score} 分，问题 {len(found)} 个", "success")
            return redirect(url_for("inspections.show", round_id=rnd.id))
    return render_template("inspections/review.html", rnd=rnd, target=target, items=rnd.template_version.items,
                           rows=range(PROBLEM_ROWS), error=error, form=request.form,
                           closed=rnd.stage != "reviewing" or target.reviewed_at is not None), 400 if error else 200


class _Files:
    """The files of one problem row, shaped like a form field for uploads.collect."""

    def __init__(self, n: int):
        self.data, self.name = request.files.getlist(f"p{n}_files"), f"p{n}_files"
