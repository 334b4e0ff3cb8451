"""Forms of the "Dân vận khéo" register. They parse and check input; the services make the changes."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from programme.models import ExemplaryModel, ModelField, RecognitionLevel
from programme.selectors import KindChoice, RegisterFilters
from programme.services import FIELD_UNKNOWN, LEVEL_UNKNOWN, NAME_MAX_LENGTH

BAD_DATE = "Ngày không hợp lệ; nhập theo dạng ngày/tháng/năm, ví dụ 15/03/2024."


class DateInput(forms.DateInput):
    """The browser's date picker; it posts ISO dates, and dd/mm/yyyy typed by other clients is accepted too."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class ErrorsDescribedForm(forms.Form):
    """A form whose invalid inputs point at their error message (aria-describedby), for screen readers."""

    def add_error(self, field, error):
        super().add_error(field, error)
        for name in self.errors:
            if name in self.fields:
                auto_id = self[name].auto_id
                helped = f" {auto_id}_helptext" if self.fields[name].help_text else ""
                self.fields[name].widget.attrs["aria-describedby"] = f"{auto_id}_error{helped}"

    def add_service_errors(self, error: ValidationError) -> None:
        """Show a service's refusal: next to the field it names, or above the form for the others."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for name, messages in error.message_dict.items():
            self.add_error(name if name in self.fields else None, messages)


class ExemplaryModelForm(ErrorsDescribedForm):
    name = forms.CharField(
        label="Tên mô hình",
        max_length=NAME_MAX_LENGTH,
        error_messages={
            "required": "Cần nhập tên mô hình.",
            "max_length": "Tên mô hình dài tối đa %(limit_value)d ký tự (đang có %(show_value)d).",
        },
    )
    field = forms.ChoiceField(
        label="Lĩnh vực",
        error_messages={"required": "Cần chọn lĩnh vực.", "invalid_choice": FIELD_UNKNOWN},
    )
    description = forms.CharField(
        label="Mô tả",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Cách làm, nơi thực hiện, người tham gia, kết quả mong đợi.",
        error_messages={"max_length": "Mô tả dài tối đa %(limit_value)d ký tự (đang có %(show_value)d)."},
    )
    started_on = forms.DateField(
        label="Ngày bắt đầu thực hiện",
        required=False,
        widget=DateInput(),
        error_messages={"invalid": BAD_DATE},
    )
    registered_on = forms.DateField(
        label="Ngày đăng ký",
        required=False,
        widget=DateInput(),
        help_text="Để trống nếu đăng ký hôm nay; ghi ngày đã đăng ký nếu nhập bổ sung.",
        error_messages={"invalid": BAD_DATE},
    )

    def __init__(self, data=None, *, model_fields: list[ModelField]):
        """``model_fields``: the fields a new model may be registered in (those in use)."""
        super().__init__(data)
        self.fields["field"].choices = [("", "— Chọn lĩnh vực —"), *((f.code, f.name) for f in model_fields)]
        if bases := list(dict.fromkeys(f.basis for f in model_fields if f.basis)):
            self.fields["field"].help_text = f"Theo {', '.join(bases)}."

    def clean_registered_on(self):
        day = self.cleaned_data.get("registered_on")
        if day and day > timezone.localdate():
            raise ValidationError("Ngày đăng ký không thể sau hôm nay.")
        return day


class RecogniseForm(ErrorsDescribedForm):
    """One model's inline form; the prefix keeps the inputs of the models on a page apart."""

    recognised_on = forms.DateField(
        label="Ngày công nhận",
        widget=DateInput(),
        error_messages={"required": "Cần nhập ngày công nhận.", "invalid": BAD_DATE},
    )
    recognition_level = forms.ChoiceField(
        label="Cấp công nhận",
        error_messages={"required": "Cần chọn cấp công nhận.", "invalid_choice": LEVEL_UNKNOWN},
    )

    def __init__(self, data=None, *, prefix: str, levels: list[RecognitionLevel]):
        """``levels``: every level, each with the days it may be used; the recognition's day decides (the
        service refuses a level not in use on it)."""
        super().__init__(data, prefix=prefix)
        self.fields["recognition_level"].choices = [("", "Chọn cấp…"), *((lv.code, lv.label) for lv in levels)]

    @staticmethod
    def prefix_for(model: ExemplaryModel) -> str:
        return f"m{model.pk}"


class RegisterFilterForm(forms.Form):
    """The register's filters, from the query string. A value that is not one of the choices is ignored."""

    kind = forms.ChoiceField(label="Loại đơn vị", required=False)
    field = forms.ChoiceField(label="Lĩnh vực", required=False)
    recognised = forms.ChoiceField(
        label="Công nhận",
        required=False,
        choices=[("", "Tất cả"), ("yes", "Đã là điển hình"), ("no", "Chưa công nhận")],
    )

    def __init__(self, data, *, kinds: list[KindChoice], model_fields: list[ModelField]):
        """``model_fields``: every field, those no longer in use too, since models registered in them remain."""
        super().__init__(data)
        self.fields["field"].choices = [("", "Tất cả lĩnh vực"), *((f.code, f.name) for f in model_fields)]
        self.kind_ids = {kind.code: kind.id for kind in kinds}
        self.fields["kind"].choices = [("", "Tất cả loại đơn vị"), *((kind.code, kind.name) for kind in kinds)]

    def filters(self) -> RegisterFilters:
        self.is_valid()  # the fields with a bad value are simply missing from cleaned_data
        data = self.cleaned_data
        recognised = data.get("recognised")
        return RegisterFilters(
            kind_id=self.kind_ids.get(data.get("kind") or ""),
            field=data.get("field") or None,
            recognised={"yes": True, "no": False}.get(recognised or ""),
        )
