from django import forms

from followup.models import Kind
from followup.reminders import MESSAGE_LIMIT


class EmailChoiceForm(forms.Form):
    email = forms.EmailField(
        label="Địa chỉ e-mail",
        required=False,
        help_text="Để trống: chỉ nhận thông báo trong ứng dụng.",
        error_messages={"invalid": "Địa chỉ e-mail không đúng dạng, ví dụ: ten@example.vn."},
    )
    kinds = forms.MultipleChoiceField(
        label="Nhận thêm qua e-mail các thông báo",
        choices=Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class UrgeForm(forms.Form):
    """The completeness page's "đôn đốc": a period, an optional message, and the units ticked (none: every
    missing unit, when the "all" button was pressed)."""

    ky = forms.IntegerField(
        min_value=1,
        max_value=2**31 - 1,
        error_messages={
            "required": "Chọn kỳ báo cáo.",
            "invalid": "Kỳ báo cáo không hợp lệ.",
            "min_value": "Kỳ báo cáo không hợp lệ.",
            "max_value": "Kỳ báo cáo không hợp lệ.",
        },
    )
    loi_nhan = forms.CharField(
        required=False,
        max_length=MESSAGE_LIMIT,
        error_messages={"max_length": f"Lời nhắn dài quá {MESSAGE_LIMIT} ký tự."},
    )
