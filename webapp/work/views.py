"""待办, 已办, 我登记的, 抄送我的, 我委派的 for every family: filters, search, sortable columns, keyset paging,
saved filters, the .xlsx export of all matching rows, bulk 签收 / 催办 / 转办 and the navigation badges."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from models.org import Role, Squad, User
from webapp import subjects
from webapp.db import session
from webapp.extensions import actor
from webapp.work.common import bp, filters
from workflows import families, saved_filters, worklists
from workflows.errors import DomainError

TITLES = worklists.LIST_LABELS


@bp.app_context_processor
def _badges():
    def work_counts() -> dict[str, int]:
        if not current_user.is_authenticated:
            return {}
        from flask import g

        if "work_counts" not in g:
            g.work_counts = worklists.counts(session(), current_user.user)
        return g.work_counts

    return {"work_counts": work_counts}


def _names(rows) -> dict[int, str]:
    ids = {r.work.assignee_id for r in rows if r.work and r.work.assignee_id}
    ids |= {r.work.owner_id for r in rows if r.work and r.work.owner_id}
    return dict(session().execute(select(User.id, User.name).where(User.id.in_(ids))).tuples().all()) if ids else {}


def _choices() -> dict:
    db = session()
    return {"families": families.all_families(), "squads": list(db.scalars(select(Squad).order_by(Squad.id))),
            "sorts": worklists.SORTS}


def render_list(name: str):
    if name not in worklists.LISTS:
        abort(404)
    me, db, now = actor(), session(), datetime.now(UTC)
    f = filters()
    found = worklists.page(db, name, me, f, now, request.args.get("cursor"))
    rising = worklists.follow_ups_due(db, me, now) if name == "todo" and not request.args.get("cursor") else []
    links = {(r.subject.family, r.subject.subject_id): subjects.url_for_subject(r.subject.family, r.subject.subject_id)
             for r in [*found.rows, *rising]}
    members = []
    if name == "todo" and me.has(Role.SQUAD_LEADER):
        members = list(db.scalars(select(User).where(User.squad_id == me.squad_id, User.active).order_by(User.name)))
    return render_template("work/list.html", name=name, title=TITLES[name], page=found, f=f, rising=rising,
                           links=links, names=_names([*found.rows, *rising]), me=me, members=members, now=now,
                           saved=saved_filters.offered(db, me, name), family_labels=subjects.family_labels(),
                           **_choices())


@bp.route("/")
@login_required
def todo():
    if actor().has(Role.SYSTEM_ADMIN) and not actor().has(Role.COORDINATOR, Role.LEADER, Role.SQUAD_LEADER,
                                                          Role.SQUAD_MEMBER, Role.SECTION_OFFICER):
        return redirect(url_for("users.index"))  # administrators handle no work; they start at user management
    return render_list("todo")


@bp.route("/done")
@login_required
def done():
    return render_list("done")


@bp.route("/registered")
@login_required
def registered():
    return render_list("registered")


@bp.route("/cc")
@login_required
def cc_list():
    return render_list("cc")


@bp.route("/delegated")
@login_required
def delegated():
    return render_list("delegated")


@bp.route("/lists/<name>/filters", methods=["POST"])
@login_required
def save_filter(name: str):
    db = session()
    try:
        saved_filters.save(db, actor=actor(), now=datetime.now(UTC), list_name=name,
                           name=request.form.get("name", ""), query=request.form.get("query", ""),
                           shared=request.form.get("shared") == "1")
    except DomainError as exc:
        db.rollback()
        flash(exc.message, "error")
    else:
        db.commit()
        flash("已保存筛选", "success")
    return redirect(url_for(f"work.{_endpoint(name)}") + "?" + saved_filters.clean_query(request.form.get("query", "")))


@bp.route("/lists/filters/<int:filter_id>/delete", methods=["POST"])
@login_required
def delete_filter(filter_id: int):
    db = session()
    saved_filters.remove(db, actor=actor(), filter_id=filter_id)
    db.commit()
    flash("已删除筛选", "success")
    return redirect(request.referrer if (request.referrer or "").startswith(request.host_url) else url_for("work.todo"))


def _endpoint(name: str) -> str:
    return {"todo": "todo", "done": "done", "registered": "registered", "cc": "cc_list",
            "delegated": "delegated"}.get(name, "todo")
