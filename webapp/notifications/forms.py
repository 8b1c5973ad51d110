from __future__ import annotations

from wtforms import BooleanField, StringField
from wtforms.validators import Length, Optional, Regexp

from webapp.fields import Form

EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


class EmailForm(Form):
    email = StringField("邮件地址", validators=[Optional(), Regexp(EMAIL, message="邮件地址格式不正确"),
                                             Length(max=200, message="不能超过200个字")],
                        description="配置了邮件服务器时，通知会同时发送到该地址")
    email_enabled = BooleanField("接收邮件提醒", default=True)
