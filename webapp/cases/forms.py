"""Forms for opening a supervision, recording a visit/meeting/call and for each step of the process."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    DateTimeLocalField,
    IntegerField,
    RadioField,
    SelectField,
)
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional

from models.cases import FORM_LABELS, POINT_LABELS, RESULT_LABELS, STAGE_LABELS, CasePoint
from webapp.fields import CheckboxesField, Form, files_field
from webapp.fields import text_field as _text
from webapp.referrals.forms import ReferMixin


class OpenForm(Form):
    title = _text("案件名称", 200)
    case_number = _text("网上办案系统案件编号", 64, required=False)
    parties = _text("当事人", 300, required=False)
    violation = _text("违法行为", 3000, area=True, render_kw={"rows": 3})
    stage = SelectField("案件阶段", choices=[("", "—")] + list(STAGE_LABELS.items()), validators=[Optional()])
    social_impact = BooleanField("具有较大社会影响")
    squad_id = SelectField("承办中队", coerce=int, validators=[InputRequired("请选择承办中队")])
    handler_id = SelectField("承办人", coerce=int, validators=[Optional()])
    forms = CheckboxesField("督办方式", choices=[(k.value, v) for k, v in FORM_LABELS.items()],
                            validators=[DataRequired("请至少选择一种督办方式")])
    matters = _text("督办事项", 2000, required=False, area=True, description="写入督办函；不填则按案件名称生成")


class RecordForm(Form):
    form = SelectField("督办方式", validators=[InputRequired("请选择督办方式")])
    held_at = DateTimeLocalField("督办时间", format="%Y-%m-%dT%H:%M", validators=[InputRequired("请填写督办时间")])
    people = _text("参加人员 / 与会人员 / 通话对象", 300)
    content = _text("发现情况 / 会议纪要 / 通话内容", 5000, area=True, render_kw={"rows": 4})
    decisions = _text("决定事项（会议督办）", 3000, required=False, area=True)
    files = files_field("照片及材料", "现场照片、会议签到表等，可多选")


class StepForm(Form):
    files = files_field()


def _review_form() -> type[StepForm]:
    attrs = {
        "mode": RadioField("办理方式", choices=[("conclude", "完成审查"), ("consult", "征求法制科意见")],
                           default="conclude", validators=[InputRequired("请选择办理方式")]),
        "consult_point": SelectField("征求意见的要点", choices=[("", "—")] + [(p.value, p.label) for p in CasePoint],
                                     validators=[Optional()]),
        "question": _text("征求意见的问题", 2000, required=False, area=True),
    }
    for point in CasePoint:
        attrs[f"result_{point.value}"] = RadioField(POINT_LABELS[point], choices=list(RESULT_LABELS.items()),
                                                    validators=[Optional()])
        attrs[f"note_{point.value}"] = _text(f"{POINT_LABELS[point]}：问题说明", 2000, required=False)
    attrs["rectify_days"] = IntegerField("整改期限（工作日）", default=10, validators=[
        Optional(), NumberRange(min=1, max=60, message="整改期限应为 1 至 60 个工作日")])
    attrs["opinion"] = _text("审查意见", 3000, required=False, area=True)
    return type("ReviewForm", (ReferMixin, StepForm), attrs)


def _rectify_form() -> type[StepForm]:
    attrs = {f"answer_{p.value}": _text(f"{p.label}：答复及整改情况", 3000, required=False, area=True)
             for p in CasePoint}
    attrs["measures"] = _text("整改措施", 3000, required=False, area=True)
    return type("RectifyForm", (StepForm,), attrs)


class LegalOpinionForm(StepForm):
    opinion = _text("法制科意见", 5000, area=True, render_kw={"rows": 5})


class VerifyForm(StepForm):
    decision = RadioField("核查结论", choices=[("approve", "整改到位，办结"), ("return", "退回整改")],
                          validators=[InputRequired("请选择核查结论")])
    opinion = _text("核查意见", 3000, required=False, area=True, description="退回时必须填写")


ReviewForm = _review_form()
RectifyForm = _rectify_form()
STEP_FORMS: dict[str, type[StepForm]] = {
    "review_points": ReviewForm,
    "legal_opinion": LegalOpinionForm,
    "rectify": RectifyForm,
    "verify": VerifyForm,
}
