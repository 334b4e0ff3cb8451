"""The officer's report form, built from the report's targets and the programme's task groups."""

from functools import cached_property

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator

from programme.formatting import vn_number
from programme.validation import violations
from reporting.counts import CountError, parse_count
from reporting.models import CLOSING_TEXTS, Submission, Value
from reporting.selectors.reports import ReportSheet
from reporting.services import Content, Figures

REQUIRED_ON_SUBMIT = "Bắt buộc khi nộp báo cáo."
TEXT_MAX = 20_000
NOTE_MAX = Value._meta.get_field("note").max_length
EXPLANATION_MAX = 2_000


class TextField(forms.CharField):
    """A text refused, never cut, when over its limit. The limit reaches the page as ``data-max`` for the
    script's counter, not as ``maxlength``, with which the browser silently drops the end of a pasted text."""

    def __init__(self, *, max_length: int, **kwargs):
        super().__init__(max_length=max_length, required=False, **kwargs)
        self.validators = [v for v in self.validators if not isinstance(v, MaxLengthValidator)]
        self.validators.append(self._refuse_over_limit)

    def _refuse_over_limit(self, value: str) -> None:
        if len(value) > self.max_length:
            raise ValidationError(
                f"Dài tối đa {vn_number(self.max_length)} ký tự (đang có {vn_number(len(value))}). "
                "Nội dung không bị cắt bớt: đồng chí hãy rút gọn rồi lưu lại.",
                code="max_length",
            )

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if "maxlength" in attrs:
            attrs["data-max"] = attrs.pop("maxlength")
        return attrs


class CountField(forms.Field):
    """A whole number ≥ 0, typed on a phone's numeric keypad, read by ``parse_count`` ("1.500" is fifteen
    hundred; "1,000" is refused). Also takes a spreadsheet cell's value as it is (a number, a date…)."""

    def __init__(self, **kwargs):
        super().__init__(
            required=False,
            localize=True,  # a saved 1500 is shown as "1.500", which reads back the same
            widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "class": "count"}),
            **kwargs,
        )

    def to_python(self, value):
        try:
            return parse_count(value)
        except CountError as error:
            raise forms.ValidationError(error.message, code="invalid") from error


def _text(label: str, rows: int = 4) -> forms.CharField:
    return TextField(label=label, max_length=TEXT_MAX, strip=True, widget=forms.Textarea(attrs={"rows": rows}))


class ReportForm(forms.Form):
    """Figures for every typed target, the narrative, the version the form was opened with, and the action."""

    version = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=0)
    action = forms.ChoiceField(choices=[("save", "Lưu nháp"), ("submit", "Nộp báo cáo")], initial="save")
    shortcomings = _text("")  # each closing text is labelled by Submission.closing_texts() when a form is made
    next_steps = _text("")
    proposals = _text("", rows=3)

    def __init__(self, *args, sheet: ReportSheet, **kwargs):
        super().__init__(*args, **kwargs)
        self.sheet = sheet
        for name, label in Submission.closing_texts().items():
            self.fields[name].label = label
        for target in sheet.typed_targets:
            self.fields[f"num_{target.code}"] = CountField(label=target.numerator_label)
            self.fields[f"den_{target.code}"] = CountField(label=target.denominator_label)
            self.fields[f"note_{target.code}"] = TextField(label=f"Ghi chú {target.code}", max_length=NOTE_MAX)
        for group in sheet.task_groups:
            self.fields[f"group_{group.number}"] = _text(f"{group.number}. {group.title}", rows=5)
        for rule in sheet.warning_rules:
            self.fields[f"explain_{rule.code}"] = TextField(
                label="Giải trình", max_length=EXPLANATION_MAX, strip=True, widget=forms.Textarea(attrs={"rows": 2})
            )

    @classmethod
    def initial_from(cls, sheet: ReportSheet) -> dict:
        submission = sheet.submission
        initial = {"version": submission.version if submission else None}
        for row in sheet.rows:
            if row.target.is_typed:
                code = row.target.code
                initial |= {f"num_{code}": row.numerator, f"den_{code}": row.denominator, f"note_{code}": row.note}
        for group in sheet.task_groups:
            initial[f"group_{group.number}"] = sheet.narratives.get(group.id, "")
        if submission:
            initial |= {name: getattr(submission, name) for name in CLOSING_TEXTS}
        for rule in sheet.warning_rules:
            initial[f"explain_{rule.code}"] = sheet.explanations.get(rule.code, "")
        return initial

    @property
    def submitting(self) -> bool:
        return self.cleaned_data.get("action") == "submit"

    def target_fields(self):
        """(sheet row, numerator field, denominator field, note field) for the template."""
        for row in self.sheet.rows:
            if row.target.is_typed:
                code = row.target.code
                yield row, self[f"num_{code}"], self[f"den_{code}"], self[f"note_{code}"]
            else:
                yield row, None, None, None

    @cached_property
    def rule_checks(self) -> list[tuple]:
        """(rule, the violation of the figures shown or None, the explanation's field or None) for the template:
        the figures typed on a refused page, else those saved."""
        if self.is_bound and hasattr(self, "cleaned_data"):
            figures = {
                t.code: (self.cleaned_data.get(f"num_{t.code}"), self.cleaned_data.get(f"den_{t.code}"))
                for t in self.sheet.typed_targets
            }
        else:
            figures = self.sheet.figures
        broken = {v.rule.code: v for v in violations(self.sheet.rules, figures)}
        return [
            (rule, broken.get(rule.code), None if rule.is_error else self[f"explain_{rule.code}"])
            for rule in self.sheet.rules
        ]

    @property
    def any_rule_broken(self) -> bool:
        return any(broken for _, broken, _ in self.rule_checks)

    @property
    def rule_payload(self) -> list[dict]:
        """The rules as the form's script judges them (``static/js/rules.js``)."""
        return [rule.payload() for rule in self.sheet.rules]

    def group_fields(self):
        return self._with_saved(f"group_{group.number}" for group in self.sheet.task_groups)

    def closing_fields(self):
        return self._with_saved(CLOSING_TEXTS)

    def _with_saved(self, names) -> list[tuple]:
        """(field, the text saved now) for the template, which shows both side by side after a conflict."""
        return [(self[name], self._saved.get(name) or "") for name in names]

    @cached_property
    def _saved(self) -> dict:
        return self.initial_from(self.sheet)

    def clean(self):
        data = super().clean()
        submitting = data.get("action") == "submit"
        for target in self.sheet.typed_targets:
            num_name, den_name = f"num_{target.code}", f"den_{target.code}"
            if num_name in self.errors or den_name in self.errors:
                continue
            num, den = data.get(num_name), data.get(den_name)
            if num is not None and den is not None and num > den:
                self.add_error(num_name, f"Tử số ({num}) không được lớn hơn mẫu số ({den}).")
            if submitting:
                for name, value in ((num_name, num), (den_name, den)):
                    if value is None:
                        self.add_error(name, REQUIRED_ON_SUBMIT)
        if submitting:
            for name in [*(f"group_{g.number}" for g in self.sheet.asked_groups), *CLOSING_TEXTS]:
                if name not in self.errors and not data.get(name):
                    self.add_error(name, REQUIRED_ON_SUBMIT)
        return data

    def content(self) -> Content:
        data = self.cleaned_data
        return Content(
            figures={
                t: Figures(data.get(f"num_{t.code}"), data.get(f"den_{t.code}"), data.get(f"note_{t.code}", ""))
                for t in self.sheet.typed_targets
            },
            narratives={g: data.get(f"group_{g.number}", "") for g in self.sheet.task_groups},
            shortcomings=data.get("shortcomings", ""),
            next_steps=data.get("next_steps", ""),
            proposals=data.get("proposals", ""),
            explanations={r.code: data.get(f"explain_{r.code}", "") for r in self.sheet.warning_rules},
        )
