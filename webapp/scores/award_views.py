"""评优评先: 优秀监督案例评选 and 文明规范执法先进个人 — nominations, panel scores, review, publication."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import select

from models.org import Role, Squad, User
from models.scores import CommendationScore
from webapp.db import session
from webapp.extensions import actor
from webapp.scores.common import bp, now
from webapp.scores.forms import NominationForm, PanelScoreForm, ReviewForm
from workflows.calendar import LOCAL_TZ
from workflows.errors import InvalidInput, NotFound
from workflows.scoring import access, awards


def _kind() -> str:
    kind = request.values.get("kind", "case")
    return kind if kind in awards.KIND_LABELS else "case"


def _year() -> int:
    value = request.args.get("year", "")
    return int(value) if value.isascii() and value.isdigit() and len(value) == 4 else now().astimezone(LOCAL_TZ).year


def _nomination_form(formdata=None) -> NominationForm:
    db, me = session(), actor()
    form = NominationForm(formdata=formdata)
    squads = db.scalars(select(Squad).order_by(Squad.id))
    if me.has(Role.SQUAD_LEADER) and not access.may_decide_appeals(me):
        squads = [s for s in squads if s.id == me.squad_id]
    form.squad_id.choices = [(s.id, s.name) for s in squads]
    people = db.scalars(select(User).where(User.squad_id.in_([c[0] for c in form.squad_id.choices]),
                                           User.active.is_(True)).order_by(User.squad_id, User.id))
    form.person_id.choices = [(0, "（优秀案例不填）")] + [(u.id, f"{u.name}（{u.unit_name}）") for u in people]
    return form


def _page(kind: str, year: int, form: NominationForm | None = None, status: int = 200):
    db, me = session(), actor()
    if not (access.sees_all(me) or me.has(Role.SQUAD_LEADER, Role.SQUAD_MEMBER)):
        raise NotFound("页面不存在")
    rows = awards.listing(db, year, kind)
    if not access.sees_all(me):
        rows = [r for r in rows if r.status == "published" or r.squad_id == me.squad_id]
    marks = {}
    ids = [r.id for r in rows]
    for mark in db.scalars(select(CommendationScore).where(CommendationScore.commendation_id.in_(ids))):
        marks.setdefault(mark.commendation_id, []).append(mark)
    may_nominate = me.has(Role.SQUAD_LEADER) or access.may_decide_appeals(me)
    return render_template("scores/awards.html", kind=kind, year=year, rows=rows, marks=marks,
                           averages={r.id: awards.average(db, r.id) for r in rows if r.kind == "case"},
                           kinds=awards.KIND_LABELS, statuses=awards.STATUS_LABELS,
                           form=(form or _nomination_form()) if may_nominate else None,
                           score_form=PanelScoreForm(formdata=None), review_form=ReviewForm(formdata=None),
                           panel=awards.panel_member(me), reviewer=access.may_decide_appeals(me),
                           publisher=me.has(Role.LEADER),
                           squads=dict(db.execute(select(Squad.id, Squad.name)).all())), status


@bp.route("/awards", endpoint="awards")
def awards_page():
    return _page(_kind(), _year())


@bp.route("/awards/nominate", methods=["POST"])
def nominate():
    db, kind = session(), _kind()
    form = _nomination_form(request.form)
    if not form.validate_on_submit():
        return _page(kind, now().astimezone(LOCAL_TZ).year, form, 400)
    data = awards.Nomination(kind, form.squad_id.data, form.title.data, form.write_up.data,
                             person_id=form.person_id.data or None, subject_number=form.subject_number.data or "")
    try:
        awards.nominate(db, actor=actor(), now=now(), data=data)
    except InvalidInput as exc:
        db.rollback()
        getattr(form, exc.field, form.title).errors.append(exc.message)
        return _page(kind, now().astimezone(LOCAL_TZ).year, form, 400)
    db.commit()
    flash("已提交推荐", "success")
    return redirect(url_for("scores.awards", kind=kind))


@bp.route("/awards/<int:commendation_id>/score", methods=["POST"])
def panel_score(commendation_id: int):
    db, form = session(), PanelScoreForm()
    if not form.validate_on_submit():
        flash("评分应为 0 至 100 的整数", "error")
        return _page("case", _year(), status=400)
    awards.score(db, actor=actor(), now=now(), commendation_id=commendation_id, points=form.score.data,
                 comment=form.comment.data or "")
    db.commit()
    flash("评分已保存", "success")
    return redirect(url_for("scores.awards", kind="case"))


@bp.route("/awards/<int:commendation_id>/review", methods=["POST"])
def review(commendation_id: int):
    db, form = session(), ReviewForm()
    if not form.validate_on_submit():
        flash("请选择评审结果", "error")
        return _page(_kind(), _year(), status=400)
    row = awards.review(db, actor=actor(), now=now(), commendation_id=commendation_id,
                        selected=form.selected.data == "1", opinion=form.opinion.data or "")
    db.commit()
    flash("评审结果已保存，待局领导公布", "success")
    return redirect(url_for("scores.awards", kind=row.kind))


@bp.route("/awards/publish", methods=["POST"])
def publish():
    db, kind = session(), _kind()
    year = request.form.get("year", "")
    if not (year.isascii() and year.isdigit() and len(year) == 4):
        raise InvalidInput("年度格式有误", "year")
    count = awards.publish(db, actor=actor(), now=now(), year=int(year), kind=kind)
    db.commit()
    flash(f"已公布 {count} 项评选结果；入选项目在下次重算台账时计入加分", "success")
    return redirect(url_for("scores.awards", kind=kind, year=year))
