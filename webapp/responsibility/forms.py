"""Forms of lead and co-squads (主办 / 协办), returns (退单), reassignment (改派) and study meetings (专案研究),
shared by every family: the co-squad entries of a 交办 form and the steps of every co-squad branch."""

from __future__ import annotations

from wtforms import DateField, FieldList, FormField, RadioField, SelectField
from wtforms import Form as PlainForm
from wtforms.validators import InputRequired, Optional

from models.responsibility import RETURN_REASONS
from webapp.fields import Form, files_field, text_field

CO_SQUAD_ROWS = 3


def _optional_int(value):
    try:
        return int(value) if value not in (None, "", "None") else None
    except (TypeError, ValueError):
        return None


class CoSquadEntry(PlainForm):
    """One co-squad and its part (an empty row is ignored)."""

    squad_id = SelectField("协办中队", coerce=_optional_int, validate_choice=False, validators=[Optional()])
    part = text_field("承担的部分", 1000, required=False)


def co_squads_field(rows: int = CO_SQUAD_ROWS):
    return FieldList(FormField(CoSquadEntry), "协办中队（可选，每个协办中队写明承担的部分）", min_entries=rows,
                     max_entries=10)


class CoSquadsMixin:
    """Add to a family's 交办 form: the co-squads named with the lead squad."""

    co_squads = co_squads_field()


class StepForm(Form):
    files = files_field()


class CoAcceptForm(StepForm):
    handler_id = SelectField("协办承办人", coerce=int, validators=[InputRequired("请选择承办人")])
    note = text_field("备注", 500, required=False)


class CoAssistForm(StepForm):
    findings = text_field("协查情况（本单位承担部分）", 5000, area=True, render_kw={"rows": 5})


class CoFeedbackForm(StepForm):
    contribution = text_field("协办反馈意见（供主办中队拟复）", 5000, area=True, render_kw={"rows": 5})


STEP_FORMS = {"co_accept": CoAcceptForm, "co_assist": CoAssistForm, "co_feedback": CoFeedbackForm}


class AddCoSquadForm(Form):
    squad_id = SelectField("协办中队", coerce=int, validators=[InputRequired("请选择协办中队")])
    part = text_field("承担的部分", 1000, area=True, render_kw={"rows": 2})


class RemoveCoSquadForm(Form):
    reason = text_field("撤销理由", 1000)


class ReturnForm(Form):
    reason = RadioField("退单理由", choices=list(RETURN_REASONS.items()), validators=[InputRequired("请选择退单理由")])
    explanation = text_field("退单说明", 2000, area=True, render_kw={"rows": 3})
    files = files_field("证据材料（地图截图、权属文件等）", "可多选")


class DecideReturnForm(Form):
    decision = RadioField("决定", choices=[("accept", "同意退单并改派"), ("reject", "驳回退单")],
                          validators=[InputRequired("请选择决定")])
    to_squad_id = SelectField("改派至", coerce=_optional_int, validate_choice=False, validators=[Optional()])
    note = text_field("决定理由", 2000, required=False, area=True, render_kw={"rows": 2},
                      description="驳回时必须填写理由")
    co_squads = co_squads_field(2)


class FinalDecisionForm(Form):
    to_squad_id = SelectField("确定承办中队", coerce=int, validators=[InputRequired("请选择承办中队")])
    note = text_field("终审意见", 2000, area=True, render_kw={"rows": 2})


class ReassignForm(Form):
    to_squad_id = SelectField("改派至", coerce=int, validators=[InputRequired("请选择中队")])
    reason = text_field("改派理由", 2000, area=True, render_kw={"rows": 2})
    co_squads = co_squads_field(2)


class DecisionEntry(PlainForm):
    text = text_field("决定事项", 1000, required=False)
    squad_id = SelectField("落实中队", coerce=_optional_int, validate_choice=False, validators=[Optional()])
    due_on = DateField("落实期限", validators=[Optional()])


class MeetingForm(Form):
    held_on = DateField("会议日期", validators=[InputRequired("请填写会议日期")])
    place = text_field("会议地点", 200)
    units_present = text_field("参会单位（含协办中队、其他部门）", 1000, area=True, render_kw={"rows": 2})
    people_present = text_field("参会人员", 1000, area=True, render_kw={"rows": 2})
    matters = text_field("研究事项", 5000, area=True, render_kw={"rows": 4})
    decisions = FieldList(FormField(DecisionEntry), "决定事项（需落实的请指定中队和期限）", min_entries=3,
                          max_entries=20)
