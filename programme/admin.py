from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from programme.models import ExemplaryModel, Period, Programme, Target, TaskGroup, Unit, UnitKind
from reporting.selectors.frozen import approved_reports_altered, refusal


class FrozenFiguresForm(forms.ModelForm):
    """An admin form that refuses a change altering the figures of approved reports, naming them: an approved
    report is frozen until a reviewer reopens it. The register's own changes need no such guard, since an
    approved report keeps the register's figures fixed into it when it was approved."""

    def clean(self):
        cleaned = super().clean()
        if reports := approved_reports_altered(self.instance, cleaned):
            raise ValidationError(refusal(reports), code="approved_reports")
        return cleaned


@admin.register(UnitKind)
class UnitKindAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "reports", "order"]
    search_fields = ["code", "name"]
    list_filter = ["reports"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    form = FrozenFiguresForm
    list_display = ["code", "name", "kind", "parent", "opened_on", "closed_on"]
    list_filter = ["kind", "closed_on", "parent"]
    search_fields = ["code", "name", "aliases"]
    list_select_related = ["kind", "parent"]
    autocomplete_fields = ["parent"]


class TaskGroupInline(admin.TabularInline):
    model = TaskGroup
    extra = 0


class PeriodInline(admin.TabularInline):
    model = Period
    form = FrozenFiguresForm
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    form = FrozenFiguresForm
    list_display = ["code", "year", "title", "issuing_body", "area"]
    list_filter = ["year"]
    search_fields = ["code", "title", "issuing_body"]
    list_select_related = ["area"]
    autocomplete_fields = ["area"]
    inlines = [TaskGroupInline, PeriodInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "code",
                    "year",
                    "title",
                    "document_number",
                    "issued_on",
                    "issuing_body",
                    "legal_basis",
                    "signer_name",
                    "signer_title",
                    "area",
                ]
            },
        ),
        (
            "Báo cáo chính thức của Ban (thể thức Hướng dẫn 36-HD/VPTW)",
            {
                "fields": [
                    "report_authority",
                    "report_office",
                    "report_symbol",
                    "report_place",
                    "report_signer_name",
                    "report_signer_is_deputy",
                    "report_recipients",
                ]
            },
        ),
    ]


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    form = FrozenFiguresForm
    list_display = ["code", "short_name", "operator", "threshold", "judged", "source", "programme"]
    list_filter = ["programme", "judged", "source", "applies_to"]
    search_fields = ["code", "short_name", "wording"]
    list_select_related = ["programme"]
    filter_horizontal = ["applies_to"]


@admin.register(Period)
class PeriodAdmin(admin.ModelAdmin):
    form = FrozenFiguresForm
    list_display = ["code", "name", "kind", "start", "end", "due", "programme"]
    list_filter = ["programme", "kind"]
    search_fields = ["code", "name"]
    list_select_related = ["programme"]


@admin.register(ExemplaryModel)
class ExemplaryModelAdmin(admin.ModelAdmin):
    list_display = ["name", "unit", "field", "year", "registered_on", "recognised_on", "recognition_level"]
    list_filter = ["year", "field", "recognition_level", "unit__kind"]
    search_fields = ["name", "unit__name", "unit__code"]
    list_select_related = ["unit"]
    autocomplete_fields = ["unit"]
    ordering = ["unit", "year", "registered_on"]
    date_hierarchy = "registered_on"
