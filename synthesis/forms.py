"""The body's report page: its texts (refused, never cut, over their limit; every figure reference checked), the
document's data, the version it was opened with and the action."""

from django import forms

from reporting.forms import TEXT_MAX, TextField
from synthesis.figures import period_figures, problems
from synthesis.models import CLOSING_TEXTS, OPENING_TEXTS, PeriodReport
from synthesis.selectors import Workspace, report_date
from synthesis.services import Draft


def _text(label: str, rows: int = 6) -> TextField:
    return TextField(label=label, max_length=TEXT_MAX, strip=True, widget=forms.Textarea(attrs={"rows": rows}))


class WorkspaceForm(forms.Form):
    version = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=0)
    action = forms.ChoiceField(choices=[("save", "Lưu"), ("complete", "Hoàn thành")], initial="save")
    number = forms.CharField(label="Số văn bản", max_length=20, required=False, help_text="Ví dụ 125.")
    issued_on = forms.DateField(
        label="Ngày báo cáo",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Ngày không hợp lệ; nhập theo dạng ngày/tháng/năm, ví dụ 05/07/2024."},
    )
    signer_name = forms.CharField(label="Người ký (họ tên)", max_length=120, required=False)
    recipients = forms.CharField(
        label="Nơi nhận (mỗi dòng một nơi, dòng cuối là dòng lưu)",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    approved_only = forms.BooleanField(label="Chỉ dùng số liệu của các báo cáo đã duyệt", required=False)

    def __init__(self, *args, space: Workspace, **kwargs):
        super().__init__(*args, **kwargs)
        self.space = space
        labels = PeriodReport.labels()
        for name in OPENING_TEXTS:
            self.fields[name] = _text(labels[name], rows=4 if name == "opening" else 8)
        for group in space.groups:
            self.fields[f"group_{group.number}"] = _text(f"{group.number}. {group.title}", rows=10)
        for name in CLOSING_TEXTS:
            self.fields[name] = _text(labels[name])

    @classmethod
    def initial_from(cls, space: Workspace) -> dict:
        report, period = space.report, space.period
        programme = period.programme
        initial = {"version": report.version if report else None, **space.texts}
        initial |= {f"group_{g.number}": space.sections.get(g.id, "") for g in space.groups}
        initial["issued_on"] = report_date(report, period)
        # The signer's name the page starts from: the report's own, else the reviewing body's (its UnitDocument).
        signer = (report.signer_name if report else "") or space.letterhead.signer_name
        initial |= {
            "signer_name": signer,
            "recipients": (report.recipients if report else "") or programme.report_recipients,
        }
        if report is not None:
            initial |= {"number": report.number, "approved_only": report.approved_only}
        return initial

    @property
    def completing(self) -> bool:
        return self.cleaned_data.get("action") == "complete"

    def text_names(self) -> list[str]:
        return [*OPENING_TEXTS, *(f"group_{g.number}" for g in self.space.groups), *CLOSING_TEXTS]

    def clean(self):
        data = super().clean()
        texts = {name: data.get(name, "") for name in self.text_names() if name not in self.errors}
        space = self.space
        figures = period_figures(
            space.period,
            texts.values(),
            compliance_rows=space.data.compliance.rows,
            reported=space.data.completeness.reported,
            expected=space.data.completeness.expected,
            approved_only=space.report.approved_only if space.report else False,
        )
        for name, listed in problems(texts, figures).items():
            self.add_error(name, "Số liệu chèn không đúng: " + "; ".join(listed) + ".")
        return data

    def draft(self) -> Draft:
        data = self.cleaned_data
        return Draft(
            texts={name: data.get(name, "") for name in (*OPENING_TEXTS, *CLOSING_TEXTS)},
            sections={g: data.get(f"group_{g.number}", "") for g in self.space.groups},
            number=data.get("number", "").strip(),
            issued_on=data.get("issued_on"),
            signer_name=" ".join(data.get("signer_name", "").split()),
            recipients=data.get("recipients", "").strip(),
            approved_only=bool(data.get("approved_only")),
        )

    def group_fields(self) -> list[tuple]:
        """(task group, its field, the units' texts on it) for the template."""
        passages = self.space.passages
        return [(g, self[f"group_{g.number}"], passages.get(g.id, [])) for g in self.space.groups]
