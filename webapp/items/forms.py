"""Forms for registering an item and for each step of its process."""

from __future__ import annotations

from wtforms import BooleanField, DateField, DateTimeLocalField, RadioField, SelectField
from wtforms.validators import InputRequired, Optional

from models.items import KIND_LABELS
from webapp.fields import Form, files_field
from webapp.fields import text_field as _text
from webapp.referrals.forms import ReferMixin
from webapp.responsibility.forms import CoSquadsMixin, MeetingForm
from workflows.items.steps import FOLLOW_UP_METHODS, REPLY_METHODS, SATISFACTION


class RegisterForm(Form):
    kind = SelectField("督办件种类", coerce=int, choices=[(int(k), v) for k, v in KIND_LABELS.items()],
                       validators=[InputRequired("请选择种类")])
    title = _text("标题", 200)
    source_doc_number = _text("来文文号", 64, required=False)
    instructing_leader = _text("批示领导 / 交办来源", 64, required=False)
    instruction_text = _text("批示内容 / 曝光内容", 5000, area=True, render_kw={"rows": 5})
    received_at = DateTimeLocalField("收件时间", format="%Y-%m-%dT%H:%M",
                                     validators=[InputRequired("请填写收件时间")])
    deadline_on = DateField("办理期限", validators=[Optional()],
                            description="来文指定期限时填写；不填则按种类默认工作日时限计算")
    needs_study = BooleanField("需要专案研究")


class StepForm(Form):
    files = files_field()


class JointStudyForm(MeetingForm):
    files = files_field()


class AssignForm(CoSquadsMixin, StepForm):
    lead_squad_id = SelectField("承办中队", coerce=int, validators=[InputRequired("请选择承办中队")])
    instructions = _text("交办意见", 2000, required=False, area=True)


class AcceptForm(StepForm):
    handler_id = SelectField("承办人", coerce=int, validators=[InputRequired("请选择承办人")])
    note = _text("备注", 500, required=False)


class InvestigateForm(StepForm):
    findings = _text("调查取证情况", 5000, area=True, render_kw={"rows": 5})


class DraftReplyForm(StepForm):
    reply_text = _text("拟复内容", 5000, area=True, render_kw={"rows": 6})


class DecisionForm(StepForm):
    decision = RadioField("审核结果", choices=[("approve", "通过"), ("return", "退回")],
                          validators=[InputRequired("请选择审核结果")])
    opinion = _text("意见", 2000, required=False, area=True, description="退回时必须填写意见")


class ReviewForm(ReferMixin, DecisionForm):
    pass


class SendReplyForm(StepForm):
    replied_on = DateField("回复日期", validators=[InputRequired("请填写回复日期")])
    method = SelectField("回复方式", choices=list(REPLY_METHODS.items()))
    summary = _text("回复摘要", 3000, area=True)


class FollowUpForm(StepForm):
    method = SelectField("跟踪方式", choices=list(FOLLOW_UP_METHODS.items()))
    satisfaction = RadioField("满意度", choices=list(SATISFACTION.items()),
                              validators=[InputRequired("请选择满意度")])
    solved = BooleanField("问题已解决")
    notes = _text("情况说明", 3000, required=False, area=True, description="不满意或未解决时必须说明")


class RectifyForm(StepForm):
    measures = _text("整改措施及结果", 5000, area=True)


class LeaderSuperviseForm(StepForm):
    instruction = _text("督办意见", 2000, area=True)


STEP_FORMS: dict[str, type[StepForm]] = {
    "joint_study": JointStudyForm,
    "assign": AssignForm,
    "accept": AcceptForm,
    "investigate": InvestigateForm,
    "draft_reply": DraftReplyForm,
    "review": ReviewForm,
    "leader_signoff": DecisionForm,
    "send_reply": SendReplyForm,
    "follow_up": FollowUpForm,
    "rectify": RectifyForm,
    "leader_supervise": LeaderSuperviseForm,
}
