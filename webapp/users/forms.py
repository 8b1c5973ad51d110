from wtforms import BooleanField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from models.org import ROLE_LABELS
from webapp.fields import CheckboxesField, Form

REQUIRED = "此项为必填项"


def _optional_int(value):
    return int(value) if value not in (None, "", "None") else None


class UserForm(Form):
    username = StringField("用户名", validators=[
        DataRequired(REQUIRED), Length(max=64, message="不能超过64个字符"),
        Regexp(r"^[A-Za-z0-9_.-]+$", message="只能使用字母、数字、下划线、点和横线"),
    ])
    name = StringField("姓名", validators=[DataRequired(REQUIRED), Length(max=64, message="不能超过64个字")])
    roles = CheckboxesField("角色", choices=[(r.value, label) for r, label in ROLE_LABELS.items()],
                            description="可多选，例如队员同时担任本中队三级督察员")
    squad_id = SelectField("所属中队", coerce=_optional_int, validators=[Optional()])
    section_id = SelectField("所属科室", coerce=_optional_int, validators=[Optional()])
    active = BooleanField("在岗（可登录）", default=True)
    password = PasswordField("初始密码", validators=[Optional(), Length(max=128, message="密码过长")],
                             description="新建用户时必填：至少8位，含大写、小写、数字、符号中的3类；用户首次登录须修改")


class PasswordForm(Form):
    password = PasswordField("新密码", validators=[DataRequired(REQUIRED), Length(max=128, message="密码过长")],
                             description="至少8位，含大写、小写、数字、符号中的3类；用户下次登录须修改，其现有登录全部失效")
