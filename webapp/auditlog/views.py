"""审计记录 (security auditor): search the audit trail and export it. There is no path that deletes entries."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from tempfile import SpooledTemporaryFile

from flask import Blueprint, render_template, request, send_file
from flask_login import login_required
from openpyxl import Workbook
from sqlalchemy import select
from wtforms import DateField, IntegerField, SelectField, StringField
from wtforms.validators import Length, NumberRange, Optional

from models.audit import AuditEntry
from models.org import User
from webapp.db import session
from webapp.extensions import actor
from webapp.fields import Form
from webapp.filters import local
from webapp.paging import paginate
from workflows import audit, audit_search
from workflows.calendar import LOCAL_TZ

bp = Blueprint("auditlog", __name__, url_prefix="/audit")
EXPORT_LIMIT = 100_000


class SearchForm(Form):
    class Meta:
        csrf = False  # a GET search

    username = StringField("用户名", validators=[Optional(), Length(max=64, message="不能超过64个字符")])
    action = StringField("操作", validators=[Optional(), Length(max=64, message="不能超过64个字符")])
    family = StringField("对象类别", validators=[Optional(), Length(max=32, message="不能超过32个字符")])
    subject_id = IntegerField("对象编号", validators=[Optional(),
                                                  NumberRange(min=0, max=2**31 - 1, message="编号无效")])
    outcome = SelectField("结果", choices=[("", "全部"), ("success", "成功"), ("failure", "失败"), ("refused", "拒绝")],
                          validators=[Optional()])
    since = DateField("起始日期", validators=[Optional()])
    until = DateField("截止日期（含）", validators=[Optional()])


@bp.before_request
@login_required
def _only_auditors():
    audit_search.require_auditor(actor())


def _filters(form: SearchForm) -> audit_search.Filters:
    def day(value, plus=0):
        return datetime.combine(value + timedelta(days=plus), time(), LOCAL_TZ).astimezone(UTC) if value else None

    return audit_search.Filters(username=form.username.data or "", action=form.action.data or "",
                                family=form.family.data or "", subject_id=form.subject_id.data,
                                outcome=form.outcome.data or "", since=day(form.since.data),
                                until=day(form.until.data, 1))


def _names(db, rows) -> dict[int, str]:
    ids = {r.actor_id for r in rows if r.actor_id}
    return dict(db.execute(select(User.id, User.username).where(User.id.in_(ids))).all()) if ids else {}


@bp.route("")
def index():
    db = session()
    form = SearchForm(request.args)
    ok = form.validate() if request.args else True
    query = audit_search.query(db, actor(), _filters(form) if ok else audit_search.Filters())
    page = paginate(db, query, AuditEntry.gseq.desc(), unique=AuditEntry.id.desc())
    return render_template("auditlog/index.html", form=form, page=page, names=_names(db, page.rows),
                           summary=audit_search.shown_summary), 200 if ok else 400


@bp.route("/export.xlsx")
def export():
    db, me, now = session(), actor(), datetime.now(UTC)
    form = SearchForm(request.args)
    filters = _filters(form) if form.validate() else audit_search.Filters()
    rows = list(db.scalars(audit_search.query(db, me, filters).order_by(AuditEntry.gseq).limit(EXPORT_LIMIT)))
    names = _names(db, rows)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("审计记录")
    sheet.append(["全局序号", "时间", "用户", "地址", "对象", "序号", "操作", "环节", "摘要", "结果"])
    for r in rows:
        sheet.append([r.gseq, local(r.at, "%Y-%m-%d %H:%M:%S"), names.get(r.actor_id, ""), r.address,
                      f"{r.family}#{r.subject_id}", r.seq, r.action, r.step or "", audit_search.shown_summary(r),
                      r.outcome])
    out = SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - send_file closes it
    book.save(out)
    out.seek(0)
    audit.record(db, actor=me, now=now, family="security", subject_id=0, action="export_audit",
                 summary=f"导出审计记录 {len(rows)} 条", details={"rows": len(rows), "filters": request.args.to_dict()})
    db.commit()
    return send_file(out, as_attachment=True, download_name=f"审计记录-{local(now, '%Y%m%d%H%M')}.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
