"""Forms for 延期申请, its decision, 挂起/恢复 and 催办."""

from __future__ import annotations

from wtforms import DateField, RadioField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from webapp.fields import Form

REQUIRED = "此项为必填项"


def _area(label: str, required: bool = True, max_len: int = 500):
    first = DataRequired(REQUIRED) if required else Optional()
    return TextAreaField(label, validators=[first, Length(max=max_len, message=f"不能超过{max_len}个字")],
                         render_kw={"rows": 3})


class ExtensionForm(Form):
    new_date = DateField("申请延期至", validators=[InputRequired("请填写申请的新期限")],
                         description="新期限须晚于当前期限；按当日 24 时截止")
    reason = _area("延期理由")


class DecisionForm(Form):
    decision = RadioField("审批结果", choices=[("approve", "同意"), ("refuse", "不同意")],
                          validators=[InputRequired("请选择审批结果")])
    opinion = _area("审批意见", required=False)


class SuspendForm(Form):
    reason = _area("挂起原因")


class ResumeForm(Form):
    note = _area("恢复说明", required=False)


class UrgeForm(Form):
    message = _area("催办内容")


class AnswerForm(Form):
    answer = _area("书面答复（整改措施、办理结果及时间安排）", max_len=3000)


class InstructionForm(Form):
    instruction = _area("局领导批示", max_len=3000)
