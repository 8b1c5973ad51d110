"""Forms of the petitions area: registration, each process step, callbacks, spot checks, findings, import."""

from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import DateField, DateTimeLocalField, IntegerField, RadioField, SelectField, StringField
from wtforms.validators import InputRequired, NumberRange, Optional

from models.petitions import CHANNELS, MISCONDUCT, SATISFACTION
from webapp.fields import Form, files_field
from webapp.fields import text_field as _text
from webapp.referrals.forms import ReferMixin
from webapp.responsibility.forms import CoSquadsMixin, MeetingForm
from workflows.petitions.checks import RESULTS
from workflows.petitions.steps import REPLY_METHODS


class RegisterForm(Form):
    channel = SelectField("来源渠道", choices=list(CHANNELS.items()), validators=[InputRequired("请选择来源渠道")])
    external_ref = _text("外部编号", 64, required=False, description="12345 工单号或网上信访件编号，用于防止重复登记")
    received_at = DateTimeLocalField("收件时间", format="%Y-%m-%dT%H:%M", validators=[InputRequired("请填写收件时间")])
    petitioner_name = _text("信访人姓名", 64, required=False)
    petitioner_phone = _text("联系电话", 32, required=False)
    petitioner_id_no = _text("身份证号", 32, required=False)
    street = SelectField("所属街道", validators=[InputRequired("请选择所属街道")])
    address = _text("地址", 200)
    category = _text("问题类别", 64, description="如：违法搭建、夜间施工噪音、占道经营")
    content = _text("反映内容", 5000, area=True, render_kw={"rows": 5})
    files = files_field("附件", "来信扫描件、照片等，可多选")


class StepForm(Form):
    files = files_field()


class AssignForm(CoSquadsMixin, StepForm):
    decision = RadioField("处理方式", choices=[("assign", "交办中队"), ("study", "疑难件，提交专案研究")],
                          default="assign", validators=[InputRequired("请选择处理方式")])
    squad_id = SelectField("承办中队", coerce=int, validators=[Optional()])
    instructions = _text("交办意见 / 研究事由", 2000, required=False, area=True)


class JointStudyForm(MeetingForm):
    files = files_field()


class AcceptForm(StepForm):
    handler_id = SelectField("承办人", coerce=int, validators=[InputRequired("请选择承办人")])
    notified_on = DateField("告知信访人受理日期", validators=[InputRequired("请填写受理告知日期")])
    note = _text("备注", 500, required=False)


class InvestigateForm(StepForm):
    findings = _text("调查及整改情况", 5000, area=True, render_kw={"rows": 5})


class ReplyForm(StepForm):
    replied_on = DateField("答复日期", validators=[InputRequired("请填写答复日期")])
    method = SelectField("答复方式", choices=list(REPLY_METHODS.items()))
    summary = _text("答复内容", 3000, area=True)


class DecisionForm(StepForm):
    decision = RadioField("结论", choices=[("approve", "通过"), ("return", "退回")],
                          validators=[InputRequired("请选择结论")])
    opinion = _text("意见", 2000, required=False, area=True, description="退回时必须填写意见")


class ReviewForm(ReferMixin, DecisionForm):
    pass


class RectifyForm(StepForm):
    measures = _text("整改措施及结果", 5000, area=True)


STEP_FORMS: dict[str, type[StepForm]] = {
    "assign": AssignForm, "joint_study": JointStudyForm, "accept": AcceptForm, "investigate": InvestigateForm,
    "reply": ReplyForm, "review": ReviewForm, "rectify": RectifyForm, "recheck": DecisionForm,
}


class CallbackForm(Form):
    reached = RadioField("是否联系上", choices=[("yes", "已联系上"), ("no", "未联系上")],
                         validators=[InputRequired("请选择是否联系上")])
    satisfaction = RadioField("满意度", choices=list(SATISFACTION.items()), validators=[Optional()])
    solved = RadioField("问题是否解决", choices=[("yes", "已解决"), ("no", "未解决")], validators=[Optional()])
    notes = _text("回访情况", 2000, required=False, area=True, description="不满意或未解决时必须说明，将重新交办整改")


class PlanForm(Form):
    month = StringField("回访月份", validators=[InputRequired("请填写月份")])
    sample_percent = IntegerField("非重复件抽样比例（%）", validators=[InputRequired("请填写抽样比例"),
                                                                NumberRange(0, 100, "比例应为 0～100")])


class SpotCheckForm(Form):
    checked_on = DateField("抽查日期", validators=[InputRequired("请填写抽查日期")])
    result = RadioField("抽查结论", choices=list(RESULTS.items()), validators=[InputRequired("请选择抽查结论")])
    findings = _text("抽查情况", 3000, area=True)
    files = files_field("现场照片")


class FindingForm(Form):
    classification = SelectField("问题类型", choices=list(MISCONDUCT.items()))
    source = SelectField("发现途径", choices=[("callback", "回访"), ("spot_check", "抽查"), ("handling", "办理过程")])
    description = _text("问题描述", 3000, area=True)


class ImportForm(Form):
    file = FileField("台账文件（.xlsx）")
