"""Form-field helpers every area's forms share."""

from __future__ import annotations

from wtforms import SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

REQUIRED = "此项为必填项"


def text_field(label: str, max_len: int, required: bool = True, area: bool = False, **kw):
    """A text (or textarea) field with the required/too-long messages in Chinese."""
    field = TextAreaField if area else StringField
    validators = [DataRequired(REQUIRED) if required else Optional(),
                  Length(max=max_len, message=f"不能超过{max_len}个字")]
    return field(label, validators=validators, **kw)


class CheckboxesField(SelectMultipleField):
    """A multiple choice shown as a list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()
