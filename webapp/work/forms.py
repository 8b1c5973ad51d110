"""Forms of the task operations on an open step and on a subject (every family)."""

from __future__ import annotations

from wtforms import DateField, HiddenField, SelectField
from wtforms.validators import InputRequired, Optional

from webapp.fields import CheckboxesField, Form, text_field


def _optional_int(value):
    return int(value) if value not in (None, "", "None") else None


class PersonForm(Form):
    """转办 / 委派: a member of the unit, and a note."""

    user_id = SelectField("办理人", coerce=_optional_int, validate_choice=False,  # the domain names a bad choice
                          validators=[InputRequired("请选择人员")])
    note = text_field("说明", 500, required=False)


class FollowUpForm(Form):
    on = DateField("跟进日期", validators=[InputRequired("请选择跟进日期")])
    note = text_field("备注", 200, required=False)


class CommentForm(Form):
    text = text_field("批注", 2000, area=True, render_kw={"rows": 2})
    task_uuid = HiddenField()


class CcForm(Form):
    user_ids = CheckboxesField("抄送人员", coerce=int, validators=[Optional()])
    squad_ids = CheckboxesField("抄送中队（全体在岗人员）", coerce=int, validators=[Optional()])
    section_ids = CheckboxesField("抄送科室（全体在岗人员）", coerce=int, validators=[Optional()])
    note = text_field("说明", 500, required=False)


def cc_form(db, formdata=None) -> CcForm:
    from sqlalchemy import select

    from models.org import Section, Squad, User

    form = CcForm(formdata=formdata, prefix="cc")
    form.user_ids.choices = [(u.id, f"{u.name}（{u.unit_name}）") for u in db.scalars(
        select(User).where(User.active.is_(True)).order_by(User.squad_id.is_not(None), User.squad_id, User.name))]
    form.squad_ids.choices = [(s.id, s.name) for s in db.scalars(select(Squad).order_by(Squad.id))]
    form.section_ids.choices = [(s.id, s.name) for s in db.scalars(select(Section).order_by(Section.id))]
    return form
