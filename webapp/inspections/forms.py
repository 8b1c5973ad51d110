"""Forms of routine supervision: opening a round, the round's and the rectification's step forms, templates,
the task list, imports and training sessions."""

from __future__ import annotations

from wtforms import BooleanField, DateField, DecimalField, IntegerField, RadioField, SelectField
from wtforms.validators import InputRequired, NumberRange, Optional

from models.inspections import AREAS, FREQUENCIES, REVIEWER_ORGS, TARGET_KINDS
from webapp.fields import CheckboxesField, Form, files_field
from webapp.fields import text_field as _text


class StepForm(Form):
    files = files_field()


class PlanForm(StepForm):
    scope = _text("检查范围", 2000, area=True, render_kw={"rows": 2})
    squad_ids = CheckboxesField("受检中队", coerce=int)
    sample_size = IntegerField("每个中队抽样数量", default=3,
                               validators=[InputRequired("请填写抽样数量"), NumberRange(1, 50, "须为 1–50")])


class SampleForm(StepForm):
    seed = IntegerField("随机种子", validators=[Optional(), NumberRange(0, 999_999_999, "须为 0–999999999")],
                        description="不填则自动生成；同一种子抽样结果相同")
    include_reviewed = BooleanField("包括本年度已评查过的案卷")
    places = _text("检查点位（点位类检查表）", 5000, required=False, area=True,
                   description="每行一个：中队名：地点，例如“华阳路街道中队：延安西路123号”")


class AssignForm(StepForm):
    reviewer_ids = CheckboxesField("局内评查人员", coerce=int, description="已邀请的外部评查人员自动参与分配")


class ReviewForm(StepForm):
    opinion = _text("汇总意见", 2000, required=False, area=True)


class ConfirmForm(StepForm):
    dismissed = CheckboxesField("不予确认的问题", coerce=int, description="未勾选的问题全部确认并转入整改")
    opinion = _text("确认意见", 2000, required=False, area=True)


class PlanSquadForm(StepForm):
    scope = _text("督察范围", 2000, area=True, render_kw={"rows": 2})
    sample_size = IntegerField("抽样数量", default=3,
                               validators=[InputRequired("请填写抽样数量"), NumberRange(1, 50, "须为 1–50")])
    seed = IntegerField("随机种子", validators=[Optional(), NumberRange(0, 999_999_999, "须为 0–999999999")])
    include_reviewed = BooleanField("包括本年度已评查过的案卷")
    places = _text("检查点位（点位类检查表）", 5000, required=False, area=True, description="每行一个地点")


class RectifyForm(StepForm):
    measures = _text("整改情况", 5000, area=True, render_kw={"rows": 4})
    files = files_field("整改证据", "整改前后照片、文书等，可多选")


class VerifyForm(StepForm):
    verdict = RadioField("验收结论", choices=[("pass", "通过，销号"), ("return", "不通过，退回重新整改")],
                         validators=[InputRequired("请选择验收结论")])
    opinion = _text("验收意见", 2000, required=False, area=True, description="退回时必须写明理由")


ROUND_FORMS = {"plan": PlanForm, "sample": SampleForm, "assign": AssignForm, "review": ReviewForm,
               "confirm": ConfirmForm, "plan_squad": PlanSquadForm, "review_squad": ReviewForm,
               "confirm_squad": ConfirmForm}
FINDING_FORMS = {"rectify": RectifyForm, "verify": VerifyForm, "verify_squad": VerifyForm}


class OpenRoundForm(Form):
    template_id = SelectField("检查表", coerce=int, validators=[InputRequired("请选择检查表")])
    title = _text("轮次名称", 200, required=False, description="不填则按期间和检查表生成")
    owner_section_id = SelectField("责任科室", coerce=int, validators=[Optional()])


class GuestForm(Form):
    name = _text("姓名", 64)
    organisation = SelectField("单位", choices=[(k, v) for k, v in REVIEWER_ORGS.items() if k != "internal"])


class TemplateForm(Form):
    code = _text("代码", 32)
    name = _text("名称", 100)
    area = SelectField("监督领域", choices=list(AREAS.items()))
    target_kind = SelectField("检查对象", choices=list(TARGET_KINDS.items()))
    items = _text("检查项", 20000, area=True, render_kw={"rows": 10},
                  description="每行一项：描述 | 方式（扣分/合格/等级N） | 分值 | 每项扣分 | 封顶 | 类别1、类别2")


class VersionForm(Form):
    items = TemplateForm.items
    note = _text("修订说明", 200, required=False)


class TaskForm(Form):
    year = IntegerField("年度", validators=[InputRequired("请填写年度"), NumberRange(2000, 2099, "年度不正确")])
    area = SelectField("监督领域", choices=list(AREAS.items()))
    content = _text("监督内容", 300)
    measures = _text("重点措施", 3000, required=False, area=True)
    frequency = SelectField("频次", choices=list(FREQUENCIES.items()))
    owner_section_id = SelectField("责任科室", coerce=int)
    template_id = SelectField("检查表", coerce=int)
    due_days = IntegerField("完成时限（工作日）", default=10,
                            validators=[InputRequired("请填写完成时限"), NumberRange(1, 120, "须为 1–120")])
    sample_size = IntegerField("每队抽样数", default=3,
                               validators=[InputRequired("请填写抽样数"), NumberRange(0, 50, "须为 0–50")])


class UploadForm(Form):
    file = files_field("Excel 文件（.xlsx）", "")


class TrainingForm(Form):
    title = _text("培训主题", 200)
    held_on = DateField("培训日期", validators=[InputRequired("请填写培训日期")])
    hours = DecimalField("学时", places=1, default=2, validators=[InputRequired("请填写学时"),
                                                                 NumberRange(0.5, 40, "学时须为 0.5–40")])
    content = _text("培训内容", 3000, required=False, area=True)
    attendee_ids = CheckboxesField("参训人员", coerce=int)
