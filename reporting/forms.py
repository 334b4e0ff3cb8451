"""The officer's report form, built from the report's targets and the programme's task groups."""

from functools import cached_property

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator

from programme.formatting import vn_number
from programme.validation import violations
from reporting.breakdowns import BreakdownError, Part, breakdown_total, part_problem
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


def part_name(kind: str, target_code: str, category_code: str) -> str:
    """The form's name of a category's figure: ``pnum_MT6__nong-dan``, ``pden_MT6__nong-dan``."""
    return f"p{kind}_{target_code}__{category_code}"


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
        for row in sheet.typed_rows:
            target = row.target
            if row.parts:  # typed category by category; the target's figures are their sums
                for part in row.parts:
                    name = part.category.name
                    self.fields[part_name("num", target.code, part.category.code)] = CountField(label=f"{name}: tử số")
                    self.fields[part_name("den", target.code, part.category.code)] = CountField(label=f"{name}: mẫu số")
            else:
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
        for row in sheet.typed_rows:
            code = row.target.code
            initial |= {f"num_{code}": row.numerator, f"den_{code}": row.denominator, f"note_{code}": row.note}
            for part in row.parts:
                initial |= {
                    part_name("num", code, part.category.code): part.numerator,
                    part_name("den", code, part.category.code): part.denominator,
                }
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
        """(sheet row, numerator field, denominator field, note field, parts) for the template; a target with
        categories has no fields of its own figures but (part, [(numerator field, "num"), (denominator field, "den")])
        per category."""
        for row in self.sheet.rows:
            code = row.target.code
            if row.parts:
                parts = [
                    (part, [(self[part_name(kind, code, part.category.code)], kind) for kind in ("num", "den")])
                    for part in row.parts
                ]
                yield row, None, None, self[f"note_{code}"], parts
            elif row.target.is_typed:
                yield row, self[f"num_{code}"], self[f"den_{code}"], self[f"note_{code}"], []
            else:
                yield row, None, None, None, []

    def _parts(self, row) -> dict:
        data = self.cleaned_data
        code = row.target.code
        return {
            part.category: Part(
                data.get(part_name("num", code, part.category.code)),
                data.get(part_name("den", code, part.category.code)),
            )
            for part in row.parts
        }

    def _figures(self, row) -> tuple[int | None, int | None]:
        """The typed figures of a row, a target with categories' the sums of its parts (``reporting.breakdowns``)."""
        if not row.parts:
            return self.cleaned_data.get(f"num_{row.target.code}"), self.cleaned_data.get(f"den_{row.target.code}")
        try:
            total = breakdown_total(row.target, [p.category for p in row.parts], self._parts(row), complete=False)
        except BreakdownError:
            return None, None
        return total.numerator, total.denominator

    @cached_property
    def rule_checks(self) -> list[tuple]:
        """(rule, the violation of the figures shown or None, the explanation's field or None) for the template:
        the figures typed on a refused page, else those saved."""
        if self.is_bound and hasattr(self, "cleaned_data"):
            figures = {row.target.code: self._figures(row) for row in self.sheet.typed_rows}
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
        for row in self.sheet.typed_rows:
            code = row.target.code
            pairs = [(f"num_{code}", f"den_{code}")]
            if row.parts:
                pairs = [
                    (part_name("num", code, p.category.code), part_name("den", code, p.category.code))
                    for p in row.parts
                ]
            for num_name, den_name in pairs:
                if num_name in self.errors or den_name in self.errors:
                    continue
                num, den = data.get(num_name), data.get(den_name)
                if problem := part_problem(Part(num, den)):
                    self.add_error(num_name, problem[0].upper() + problem[1:] + ".")
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
                row.target: Figures(None, None, data.get(f"note_{row.target.code}", ""), parts=self._parts(row))
                if row.parts
                else Figures(
                    data.get(f"num_{row.target.code}"),
                    data.get(f"den_{row.target.code}"),
                    data.get(f"note_{row.target.code}", ""),
                )
                for row in self.sheet.typed_rows
            },
            narratives={g: data.get(f"group_{g.number}", "") for g in self.sheet.task_groups},
            shortcomings=data.get("shortcomings", ""),
            next_steps=data.get("next_steps", ""),
            proposals=data.get("proposals", ""),
            explanations={r.code: data.get(f"explain_{r.code}", "") for r in self.sheet.warning_rules},
        )
