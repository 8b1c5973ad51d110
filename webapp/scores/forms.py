"""Forms of the 考核 pages."""

from __future__ import annotations

from wtforms import BooleanField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from webapp.fields import Form
from workflows.scoring.appeals import VERDICTS
from workflows.scoring.rules import CAP_PERIODS


def _most(n: int) -> Length:
    return Length(max=n, message=f"不能超过{n}字")


class RuleForm(Form):
    squad_points = StringField("中队分值（扣分为负数）", validators=[InputRequired("请填写中队分值")])
    person_points = StringField("个人分值（扣分为负数）", validators=[InputRequired("请填写个人分值")])
    cap = StringField("封顶分值（绝对值，留空不封顶）", validators=[Optional()])
    cap_period = SelectField("封顶周期", choices=list(CAP_PERIODS.items()))
    threshold = StringField("门槛（仅按期办结率奖励）", validators=[Optional()])
    active = BooleanField("启用", default=True)


class AppealForm(Form):
    reason = TextAreaField("申诉理由", validators=[InputRequired("请填写申诉理由"), _most(1000)])
    evidence = TextAreaField("证据说明（文号、材料、经过）", validators=[Optional(), _most(1000)])


class DecisionForm(Form):
    verdict = RadioField("处理结果", choices=list(VERDICTS.items()), validators=[InputRequired("请选择处理结果")])
    opinion = TextAreaField("处理意见", validators=[InputRequired("请填写处理意见"), _most(1000)])


class NominationForm(Form):
    squad_id = SelectField("推荐中队", coerce=int, validators=[InputRequired("请选择中队")])
    person_id = SelectField("推荐人员", coerce=int, validators=[Optional()])
    subject_number = StringField("案例编号（督办件、信访件、案件等）", validators=[Optional(), _most(40)])
    title = StringField("标题", validators=[InputRequired("请填写标题"), _most(200)])
    write_up = TextAreaField("推荐材料", validators=[InputRequired("请填写推荐材料"), _most(5000)])


class PanelScoreForm(Form):
    score = IntegerField("评分（0–100）", validators=[InputRequired("请填写评分"),
                                                   NumberRange(0, 100, "评分应在 0 至 100 之间")])
    comment = StringField("评语", validators=[Optional(), _most(500)])


class ReviewForm(Form):
    selected = RadioField("评审结果", choices=[("1", "入选"), ("0", "未入选")],
                          validators=[InputRequired("请选择评审结果")])
    opinion = TextAreaField("评审意见", validators=[Optional(), _most(1000)])
