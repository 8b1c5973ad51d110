"""Forms for referring and for each step of the referral process."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
)
from wtforms.validators import InputRequired, Optional

from models.referrals import CLASSIFICATION_LABELS, OUTCOME_LABELS
from webapp.fields import CheckboxesField, Form, files_field
from webapp.fields import text_field as _text


class FreeCheckboxesField(CheckboxesField):
    def pre_validate(self, form):  # unknown keys are the domain's to refuse, next to the field
        pass


class ReferForm(Form):
    family = HiddenField()
    subject_id = IntegerField(widget=HiddenField.widget, validators=[InputRequired("缺少移送来源")])
    classification = RadioField("问题类型", choices=[(k.value, v) for k, v in CLASSIFICATION_LABELS.items()],
                                validators=[InputRequired("请选择问题类型")])
    target_kind = RadioField("移送对象", choices=[("officer", "执法人员"), ("squad", "中队")], default="officer",
                             validators=[InputRequired("请选择移送对象")])
    target_user_id = SelectField("被移送人员", coerce=int, validators=[Optional()])
    target_squad_id = SelectField("被移送中队", coerce=int, validators=[Optional()])
    facts = _text("问题事实", 5000, area=True, render_kw={"rows": 5})
    evidence = FreeCheckboxesField("证据材料",
                               description="办理环节、超期记录、回访记录、附件；选“慢作为”时自动勾选超期证据")
    section_id = SelectField("责任科室", coerce=int, validators=[InputRequired("请选择责任科室")])


class StepForm(Form):
    files = files_field()


class AcceptForm(StepForm):
    decision = RadioField("是否受理", choices=[("accept", "受理"), ("return", "退回补充材料")],
                          validators=[InputRequired("请选择是否受理")])
    opinion = _text("意见", 2000, required=False, area=True, description="退回时必须写明需补充的材料")


class SupplementForm(StepForm):
    addition = _text("补充的事实和材料", 5000, area=True)


class InvestigateForm(StepForm):
    findings = _text("调查核实情况", 5000, area=True, render_kw={"rows": 5})


class OutcomeForm(StepForm):
    outcome = SelectField("处理结果", choices=list(OUTCOME_LABELS.items()))
    outcome_on = DateField("处理日期", validators=[InputRequired("请填写处理日期")])
    doc_number = _text("处理文号", 64, required=False, description="不予处理时可不填")
    note = _text("处理情况说明", 3000, required=False, area=True)


STEP_FORMS: dict[str, type[StepForm]] = {
    "accept": AcceptForm,
    "supplement": SupplementForm,
    "investigate": InvestigateForm,
    "record_outcome": OutcomeForm,
}


class ReferMixin:
    """On a step whose process may call the accountability referral (the family's `refer_step`): the coordinator
    may refer the subject's squad and handler there; the problem type and facts are checked by the referral."""

    refer = BooleanField("同时移送追责（追究承办中队、承办人责任）", default=False)
    refer_classification = SelectField("追责问题类型", choices=[("", "—")] + [(k.value, v) for k, v in
                                                                         CLASSIFICATION_LABELS.items()],
                                       validators=[Optional()])
    refer_facts = _text("追责问题事实", 5000, required=False, area=True, description="勾选移送追责时必须填写")

