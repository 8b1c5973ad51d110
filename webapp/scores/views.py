"""考核结果: a period's report (total, rank, breakdown, trend) for squads and people, its lock, its .xlsx and its
printed form; the ledger lines behind it; rebuilding the ledger."""

from __future__ import annotations

from urllib.parse import quote

from flask import Response, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from models.org import Role, Squad, User
from models.scores import ScoreAppeal, ScoreEntry
from webapp import subjects
from webapp.db import session
from webapp.extensions import actor
from webapp.paging import paginate
from webapp.scores import sheet
from webapp.scores.common import bp, now, period_arg
from workflows.scoring import access, ledger, periods, rules

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def visible(report: dict, me: User) -> dict:
    """The rows of a report the user may see: every row for leaders and the sections, their squad (and, for a
    squad leader, its people; for a member, themselves) for squad users."""
    if access.sees_all(me):
        return report
    if not me.has(Role.SQUAD_LEADER, Role.SQUAD_MEMBER):
        abort(404)
    squad_name = me.squad.name if me.squad else ""
    leader = me.has(Role.SQUAD_LEADER)
    people = [r for r in report["people"] if (r["unit"] == squad_name if leader else r["id"] == me.id)]
    return {**report, "squads": [r for r in report["squads"] if r["id"] == me.squad_id], "people": people}


@bp.route("")
def report():
    db, me, period = session(), actor(), period_arg()
    data = visible(periods.report(db, period), me)
    earlier = periods.previous(period)
    return render_template("scores/report.html", period=period, report=data, labels=periods.rule_labels(data),
                           previous=earlier, following=periods.containing(period.kind, period.end),
                           kinds=periods.KINDS, may_lock=me.has(Role.LEADER) and data.get("locked") is None
                           and period.end <= now(), may_rebuild=access.sees_all(me) or me.has(Role.SYSTEM_ADMIN))


@bp.route("/export.xlsx")
def export():
    db, me, period = session(), actor(), period_arg()
    data = visible(periods.report(db, period), me)
    body = sheet.build_xlsx(data, periods.rule_labels(data))
    name = quote(f"考核结果{period.key}.xlsx")
    return Response(body, mimetype=XLSX, headers={"Content-Disposition": f"attachment; filename*=UTF-8''{name}"})


@bp.route("/lock", methods=["POST"])
def lock():
    db, me = session(), actor()
    kind, key = request.form.get("kind", ""), request.form.get("key", "")
    row = periods.lock(db, actor=me, now=now(), kind=kind, key=key)
    db.commit()
    flash(f"已锁定{periods.parse(row.kind, row.key).label}考核结果：此后规则修改、迟到事件和重算均不再改变该期结果",
          "success")
    return redirect(url_for("scores.report", kind=row.kind, key=row.key))


@bp.route("/rebuild", methods=["POST"])
def rebuild():
    me = actor()
    if not (access.sees_all(me) or me.has(Role.SYSTEM_ADMIN)):
        abort(404)
    db = session()
    result = ledger.rebuild(db, now=now())
    db.commit()
    flash(f"考核台账已重算：新增 {result.added} 条，变更 {result.changed} 条，删除 {result.removed} 条"
          + (f"；已锁定考核期内的新事件 {result.frozen} 条未计入" if result.frozen else ""), "success")
    return redirect(request.form.get("next") or url_for("scores.report"))


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else None


@bp.route("/entries")
def entries():
    db, me, period = session(), actor(), period_arg()
    if not (access.sees_all(me) or me.has(Role.SQUAD_LEADER, Role.SQUAD_MEMBER)):
        abort(404)
    query = select(ScoreEntry).where(access.entry_scope(me), ScoreEntry.month.in_(period.months))
    squad_id, person_id, code = _int_arg("squad_id"), _int_arg("person_id"), request.args.get("code", "")
    if squad_id is not None:
        query = query.where(ScoreEntry.squad_id == squad_id)
    if person_id is not None:
        query = query.where(ScoreEntry.person_id == person_id)
    if code in rules.KINDS:
        query = query.where(ScoreEntry.code == code)
    page = paginate(db, query, ScoreEntry.occurred_at.desc(), unique=ScoreEntry.id.desc())
    keys = [e.key for e in page.rows]
    appeals = {a.entry_key: a for a in db.scalars(select(ScoreAppeal).where(ScoreAppeal.entry_key.in_(keys))
                                                  .order_by(ScoreAppeal.id))} if keys else {}
    names = dict(db.execute(select(Squad.id, Squad.name)).all())
    people = dict(db.execute(select(User.id, User.name).where(
        User.id.in_({e.person_id for e in page.rows if e.person_id}))).all()) if page.rows else {}
    frozen = ledger.locked_months(db)
    return render_template("scores/entries.html", page=page, period=period, appeals=appeals, squads=names,
                           people=people, labels={c: rules.label_of(c) for c in rules.KINDS}, frozen=frozen,
                           filters={"squad_id": squad_id, "person_id": person_id, "code": code},
                           may_appeal=me.has(Role.SQUAD_LEADER), link=subjects.url_for_subject)
