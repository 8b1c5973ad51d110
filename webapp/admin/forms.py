"""Forms of the system administrator's pages: calendar overrides and clock rules."""

from __future__ import annotations

from wtforms import BooleanField, DateField, IntegerField, RadioField, SelectField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from webapp.fields import Form
from workflows.deadlines.rules import UNIT_LABELS


class OverrideForm(Form):
    day = DateField("日期", validators=[InputRequired("请填写日期")])
    is_workday = RadioField("类型", choices=[("0", "休息日（节假日）"), ("1", "工作日（调休上班）")],
                            validators=[InputRequired("请选择类型")])
    note = StringField("说明", validators=[Optional(), Length(max=200, message="不能超过200个字")])


class RuleForm(Form):
    kind = SelectField("种类", coerce=int, validators=[InputRequired("请选择种类")])
    step = SelectField("环节", validators=[Optional()])
    unit = SelectField("计时单位", choices=list(UNIT_LABELS.items()), validators=[InputRequired("请选择计时单位")])
    amount = IntegerField("时限", validators=[InputRequired("请填写时限"),
                                             NumberRange(1, 365, "时限必须在 1 到 365 之间")])
    same_day = BooleanField("当日起算（不勾选为次日起算）")
    yellow_pct = IntegerField("黄色预警（已用时限百分比）", default=67, validators=[
        InputRequired("请填写比例"), NumberRange(1, 99, "比例必须在 1 到 99 之间")])
    red_workdays = IntegerField("红色预警（到期前工作日）", default=1, validators=[
        InputRequired("请填写天数"), NumberRange(0, 30, "天数必须在 0 到 30 之间")])
    escalate_workdays = IntegerField("超期后几个工作日转红色督办（升级局领导、签发督办单）", default=1, validators=[
        InputRequired("请填写天数"), NumberRange(0, 30, "天数必须在 0 到 30 之间")])
    pause_on_suspend = BooleanField("挂起期间暂停计时", default=True)
    counts_from = SelectField("起算点", choices=[("step", "自环节开始"), ("subject", "自登记（收件）")],
                              validators=[InputRequired("请选择起算点")])
    max_extension_workdays = IntegerField("累计延期上限（工作日，留空不限）", validators=[
        Optional(), NumberRange(1, 365, "上限必须在 1 到 365 之间")])
    red_after_urges = IntegerField("超期后再催办几次转红色督办", default=2, validators=[
        InputRequired("请填写次数"), NumberRange(0, 30, "次数必须在 0 到 30 之间")])
    order_answer_workdays = IntegerField("督办单书面答复期限（工作日）", default=3, validators=[
        InputRequired("请填写天数"), NumberRange(1, 30, "天数必须在 1 到 30 之间")])
