"""Form-field helpers every area's forms share."""

from __future__ import annotations

import re
from datetime import date, datetime

from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

REQUIRED = "此项为必填项"
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # C0 controls except tab, newline, return
BAD_CHARACTERS = "内容含有不可见的控制字符（如空字符），请删除后重新提交"
FIRST_YEAR, LAST_YEAR = 2000, 2099
BAD_YEAR = f"日期超出合理范围（{FIRST_YEAR}–{LAST_YEAR} 年）"


def has_control_characters(value: str) -> bool:
    return bool(CONTROL.search(value))


def _raw_texts(field) -> list[str]:
    values = field.raw_data or []
    return [v for v in values if isinstance(v, str)]


class Form(FlaskForm):
    """The base of every form: refuses control characters (a NUL byte breaks PostgreSQL text) in any field
    and dates outside a sane range (year 1 overflows time-zone arithmetic), each next to its field."""

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        for field in self:
            if field.type == "CSRFTokenField":
                continue
            if any(has_control_characters(v) for v in _raw_texts(field)):
                field.errors = [*field.errors, BAD_CHARACTERS]
                ok = False
            elif isinstance(field.data, date | datetime) and not FIRST_YEAR <= field.data.year <= LAST_YEAR:
                field.errors = [*field.errors, BAD_YEAR]
                ok = False
        return ok


def text_field(label: str, max_len: int, required: bool = True, area: bool = False, **kw):
    """A text (or textarea) field with the required/too-long messages in Chinese."""
    field = TextAreaField if area else StringField
    validators = [DataRequired(REQUIRED) if required else Optional(),
                  Length(max=max_len, message=f"不能超过{max_len}个字")]
    return field(label, validators=validators, **kw)


EVIDENCE_ACCEPT = "image/*,video/*,.pdf,.doc,.docx,.xls,.xlsx,.txt,.zip"


def files_field(label: str = "附件（证据材料）", description: str = "可多选；手机上可直接拍照上传"):
    """A multiple-file field that offers the camera on a phone (photos as evidence)."""
    from flask_wtf.file import MultipleFileField

    return MultipleFileField(label, description=description, render_kw={"accept": EVIDENCE_ACCEPT})


class CheckboxesField(SelectMultipleField):
    """A multiple choice shown as a list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()
