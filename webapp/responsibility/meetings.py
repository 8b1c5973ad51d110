"""专案研究 meetings of any subject (record, minutes page, .docx) and the pages of their actions (落实事项)."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import quote

from flask import Response, flash, redirect, render_template, url_for
from flask_login import login_required
from sqlalchemy import select
from wtforms import RadioField
from wtforms.validators import InputRequired

from models.attachments import Attachment
from models.meetings import FAMILY_STUDY_ACTION, StudyMeeting
from webapp import subjects
from webapp.db import session
from webapp.documents import CENTER, OfficialDocument, cn_date
from webapp.extensions import actor
from webapp.fields import Form, files_field, text_field
from webapp.responsibility.common import bp
from webapp.responsibility.forms import MeetingForm
from webapp.responsibility.steps import fill_rows
from webapp.uploads import step_values
from workflows import audit
from workflows.errors import InvalidInput, NotFound
from workflows.meetings import operations
from workflows.tasks import cc
from workflows.tasks.access import visible

MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@bp.route("/<family>/<int:subject_id>/meetings/new", methods=["GET", "POST"])
@login_required
def new_meeting(family: str, subject_id: int):
    db, me = session(), actor()
    fam, subject = visible(db, me, family, subject_id)
    form = MeetingForm()
    fill_rows(db, form.decisions)
    back = subjects.url_for_subject(family, subject_id)
    if form.validate_on_submit():
        try:
            meeting = operations.record(db, actor=me, now=datetime.now(UTC), family=family, subject_id=subject_id,
                                        spec=operations.read_meeting(step_values(form)))
        except InvalidInput as exc:
            db.rollback()
            getattr(form, exc.field or "matters", form.matters).errors.append(exc.message)
        else:
            db.commit()
            flash("已记录专案研究会议", "success")
            return redirect(url_for("responsibility.meeting", meeting_id=meeting.id))
    status = 400 if form.errors else 200
    return render_template("responsibility/meeting_new.html", form=form, fam=fam, subject=subject, back=back), status


def _meeting(meeting_id: int):
    db = session()
    meeting = db.get(StudyMeeting, meeting_id)
    if meeting is None:
        raise NotFound("会议记录不存在")
    fam, subject = visible(db, actor(), meeting.family, meeting.subject_id)
    return meeting, fam, subject


@bp.route("/meetings/<int:meeting_id>")
@login_required
def meeting(meeting_id: int):
    meeting, fam, subject = _meeting(meeting_id)
    links = {d.id: url_for("responsibility.action", action_id=d.action.id) for d in meeting.decisions if d.action}
    return render_template("responsibility/meeting.html", meeting=meeting, fam=fam, subject=subject, links=links,
                           back=subjects.url_for_subject(meeting.family, meeting.subject_id),
                           held=cn_date(meeting.held_on))


def minutes_docx(meeting: StudyMeeting, fam, subject) -> bytes:
    number, title = fam.label_of(subject)
    doc = OfficialDocument(f"专案研究会议纪要 {number}")
    doc.para("长宁区城市管理行政执法局", 22, True, CENTER)
    doc.para("专案研究会议纪要", 26, True, CENTER)
    doc.para(f"{fam.label} {number}：{title}", 14, align=CENTER)
    doc.body([f"会议时间：{cn_date(meeting.held_on)}", f"会议地点：{meeting.place}",
              f"参会单位：{meeting.units_present}", f"参会人员：{meeting.people_present}"])
    doc.para("一、研究事项", bold=True)
    doc.body(meeting.matters.splitlines() or [meeting.matters])
    doc.para("二、会议决定", bold=True)
    for d in meeting.decisions:
        owner = f"（落实中队：{d.action.squad.name}，期限：{cn_date(d.action.due_on)}）" if d.action else ""
        doc.para(f"{d.position}. {d.text}{owner}", indent=True)
    doc.signature("局协调科", meeting.held_on)
    return doc.bytes()


@bp.route("/meetings/<int:meeting_id>.docx")
@login_required
def meeting_docx(meeting_id: int):
    meeting, fam, subject = _meeting(meeting_id)
    name = f"专案研究会议纪要-{subject.number}-{meeting.held_on:%Y%m%d}.docx"
    return Response(minutes_docx(meeting, fam, subject), mimetype=MIMETYPE,
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"})


class ImplementForm(Form):
    result = text_field("落实情况", 5000, area=True, render_kw={"rows": 4})
    files = files_field()


class ConfirmForm(Form):
    decision = RadioField("确认结果", choices=[("approve", "已落实"), ("return", "退回继续落实")],
                          validators=[InputRequired("请选择确认结果")])
    opinion = text_field("意见", 2000, required=False, area=True, description="退回时必须填写意见")
    files = files_field()


def _render_action(action, failed=None, status=200):
    db, me = session(), actor()
    files = list(db.scalars(select(Attachment).where(Attachment.family == FAMILY_STUDY_ACTION,
                                                     Attachment.subject_id == action.id).order_by(Attachment.id)))
    meeting = action.decision.meeting
    return render_template("responsibility/action.html", action=action, meeting=meeting, files=files,
                           source=subjects.url_for_subject(meeting.family, meeting.subject_id),
                           panel=subjects.panel(db, me, FAMILY_STUDY_ACTION, action, failed),
                           entries=audit.timeline(db, FAMILY_STUDY_ACTION, action.id)), status


subjects.register(subjects.Pages(FAMILY_STUDY_ACTION, "responsibility.action", "action_id",
                                 {"implement": ImplementForm, "confirm": ConfirmForm}, None, _render_action))


@bp.route("/actions/<int:action_id>")
@login_required
def action(action_id: int):
    db = session()
    _, found = visible(db, actor(), FAMILY_STUDY_ACTION, action_id)
    if cc.mark_read(db, user=actor(), family=FAMILY_STUDY_ACTION, subject_id=found.id, now=datetime.now(UTC)):
        db.commit()
    return _render_action(found)
