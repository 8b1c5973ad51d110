"""Each family's subject page and step forms, registered by its blueprint, and what every subject page
shares: the open steps with their forms and the actions each user may take on them (签收, 取消签收, 转办, 委派,
跟进日期, 催办, 撤回), comments, CC receipts, the clock and 督办单."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from models.engine import WorkItem
from models.org import Role, User
from models.subjects import FollowUp, Subject
from workflows import families, steps
from workflows.access import can_act, can_complete, leads_unit
from workflows.errors import NotFound
from workflows.tasks import cc as cc_ops
from workflows.tasks import claim as claim_ops
from workflows.tasks import withdraw as withdraw_ops


@dataclass(frozen=True)
class Pages:
    family: str
    endpoint: str  # the subject page
    arg: str  # its id argument
    forms: dict[str, type]  # step -> form class
    prepare: Callable[..., None] | None = None  # (db, form, work, subject, fresh) fills choices and defaults
    render: Callable[..., Any] | None = None  # (subject, failed=(work, form) | None, status=200) -> response
    fields_template: str | None = None  # the family's own layout of step-form fields, if any


_PAGES: dict[str, Pages] = {}


def register(pages: Pages) -> None:
    _PAGES[pages.family] = pages


def pages(family: str) -> Pages:
    try:
        return _PAGES[family]
    except KeyError:
        raise NotFound("页面或记录不存在") from None


def family_labels() -> dict[str, str]:
    return {f.name: f.label for f in families.all_families()}


def url_for_subject(family: str, subject_id: int) -> str | None:
    page = _PAGES.get(family)
    return url_for(page.endpoint, **{page.arg: subject_id}) if page else None


def labels(db: Session, pairs: Iterable[tuple[str, int]]) -> dict[tuple[str, int], tuple[str, str]]:
    """(family, id) -> (number, title) for many subjects, from the projection (one query)."""
    wanted = set(pairs)
    if not wanted:
        return {}
    ids = {subject_id for _, subject_id in wanted}
    rows = db.execute(select(Subject.family, Subject.subject_id, Subject.number, Subject.title)
                      .where(Subject.subject_id.in_(ids)))
    return {(r.family, r.subject_id): (r.number, r.title) for r in rows if (r.family, r.subject_id) in wanted}


def raw_values(form) -> dict[str, list[str]]:
    """What the user typed into a step form (kept as a delegate's draft, and put back when the owner opens it)."""
    return {f.short_name: list(f.raw_data or []) for f in form
            if f.type not in ("CSRFTokenField", "MultipleFileField", "FileField")}


def step_form(db: Session, work: WorkItem, subject: Any, formdata=None):
    from webapp.responsibility import steps as shared_steps

    page = pages(work.family)
    form_class = page.forms.get(work.step) or shared_steps.STEP_FORMS[work.step]
    form = form_class(formdata=formdata, prefix=work.step)
    shared_steps.prepare(db, form, work, subject, formdata is None)
    if page.prepare is not None and work.step in page.forms:
        page.prepare(db, form, work, subject, formdata is None)
    if formdata is None and work.draft:
        for f in form:
            if f.short_name in work.draft and isinstance(work.draft[f.short_name], list):
                f.process_formdata(work.draft[f.short_name])
    return form


def render(family: str, subject: Any, failed=None, status: int = 200):
    return pages(family).render(subject, failed, status)


@dataclass
class StepView:
    """One open step as a user sees it on the subject page."""

    work: WorkItem
    form: Any = None  # the step's form, when the user may complete it
    holder: str = ""
    owner: str = ""
    actions: set[str] = field(default_factory=set)
    colleagues: list[User] = field(default_factory=list)
    follow_up: FollowUp | None = None


def _actions(me: User, work: WorkItem) -> set[str]:
    found = set()
    acts = can_act(me, work)
    if acts and work.assignee_id is None and work.owner_id is None:
        found.add("claim")
    if work.assignee_id is not None and work.owner_id is None and (work.assignee_id == me.id or leads_unit(me, work)):
        found.add("unclaim")
    if leads_unit(me, work) or (acts and work.assignee_id == me.id):
        found.add("transfer")
    if (acts and work.owner_id is None and work.assignee_id in (None, me.id)) or work.owner_id == me.id:
        found.add("delegate")
    if work.owner_id == me.id:
        found.add("recall")
    if work.owner_id is not None and work.assignee_id == me.id:
        found.add("resolve")
    if acts or work.owner_id == me.id:
        found.add("follow_up")
    if me.has(Role.COORDINATOR, Role.LEADER):
        found.add("urge")
    return found


def _names(db: Session, ids: set[int]) -> dict[int, str]:
    return dict(db.execute(select(User.id, User.name).where(User.id.in_(ids))).tuples().all()) if ids else {}


def step_views(db: Session, me: User, family: str, subject: Any, failed=None) -> list[StepView]:
    fam = families.get(family)
    work = steps.open_work(db, family, subject.id)
    names = _names(db, {w.assignee_id for w in work if w.assignee_id} | {w.owner_id for w in work if w.owner_id})
    follow = {f.task_uuid: f for f in db.scalars(select(FollowUp).where(
        FollowUp.user_id == me.id, FollowUp.task_uuid.in_([w.task_uuid for w in work])))}
    views = []
    for w in work:
        view = StepView(w, holder=names.get(w.assignee_id, ""), owner=names.get(w.owner_id, ""),
                        actions=_actions(me, w) if fam.may_act(me, subject) else set(),
                        follow_up=follow.get(w.task_uuid))
        if "resolve" in view.actions or (can_complete(me, w) and fam.may_act(me, subject)):
            view.form = failed[1] if failed and failed[0].id == w.id else step_form(db, w, subject)
        if view.actions & {"transfer", "delegate"}:
            view.colleagues = [u for u in claim_ops.unit_members(db, w) if u.id != me.id]
        views.append(view)
    return views


def panel(db: Session, me: User, family: str, subject: Any, failed=None) -> dict:
    """Everything the shared part of a subject page shows."""
    from webapp.work.forms import cc_form
    from workflows.deadlines import orders, requests

    fam = families.get(family)
    return {
        "family": family, "fam": fam, "subject": subject, "steps": step_views(db, me, family, subject, failed),
        "fields_template": pages(family).fields_template,
        "cc_form": cc_form(db) if cc_ops.may_cc(me, fam, subject) else None,
        "withdrawable": withdraw_ops.can_withdraw(db, me, family, subject.id, fam.final_steps),
        "cc_receipts": cc_ops.receipts(db, family, subject.id), "orders": orders.for_subject(db, family, subject.id),
        "clock": requests.history(db, family, subject.id),
    }
