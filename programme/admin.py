from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from programme.copying import CopyError, copy_plan, copy_programme
from programme.models import (
    DocumentStyle,
    ExemplaryModel,
    ModelField,
    Period,
    PeriodKind,
    Programme,
    RecognitionLevel,
    Target,
    TargetCategory,
    TaskGroup,
    Unit,
    UnitDocument,
    UnitKind,
    ValidationRule,
)
from programme.selectors import counting_programmes
from reporting.selectors.frozen import approved_reports_altered, refusal
from reporting.totals import programmes_changed, register_changed, totals_refresh


class FrozenFiguresForm(forms.ModelForm):
    """An admin form that refuses a change altering the figures of approved reports, naming them: an approved
    report is frozen until a reviewer reopens it. The register's own changes need no such guard, since an
    approved report keeps the register's figures fixed into it when it was approved."""

    def clean(self):
        cleaned = super().clean()
        if reports := approved_reports_altered(self.instance, cleaned):
            raise ValidationError(refusal(reports), code="approved_reports")
        return cleaned


class KeepsTotals:
    """The admin of a model whose fields decide what counts in the district's sums (``TargetTotals``): they are
    refreshed in the admin's transaction, once the object, its many-to-many fields and its inlines are saved.
    ``counting`` names those fields; ``refresh_totals`` gets the form's initial values (empty for a deletion)."""

    counting: tuple[str, ...] = ()

    def refresh_totals(self, obj, initial: dict) -> None:
        raise NotImplementedError

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if set(form.changed_data) & set(self.counting) or any(formset.has_changed() for formset in formsets):
            self.refresh_totals(form.instance, form.initial)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        self.refresh_totals(obj, {})

    def delete_queryset(self, request, queryset):
        deleted = list(queryset)
        with transaction.atomic():
            super().delete_queryset(request, queryset)
            for obj in deleted:
                self.refresh_totals(obj, {})


FULL_VALUES = 5000  # characters: a record shows whole values, not simple-history's shortened "[78 chars]"


class ReadableChanges(HistoricalRecordContextHelper):
    """A change of a field with choices is shown by the choices' names ("đạt từ (≥)"), not their stored codes."""

    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        if field.choices and not field.is_relation:
            return dict(field.flatchoices).get(value, value)
        return super().prepare_delta_change_value(change, value)


class RecordsHistory(SimpleHistoryAdmin):
    """The object's "Lịch sử" page lists every saved version (the model's ``history``): when, by whom, and each
    changed field, old → new. A refused change saves nothing, so it is not there. Old versions are only read:
    there is no page to save one back, since a change goes through the change form and its checks."""

    object_history_template = "admin/programme/history.html"
    object_history_list_template = "admin/programme/history_list.html"

    def get_urls(self):
        return super(SimpleHistoryAdmin, self).get_urls()  # without simple-history's page that restores a version

    def history_view_title(self, request, obj):
        return f"Lịch sử thay đổi: {obj}"

    def get_historical_record_context_helper(self, request, historical_record):
        return ReadableChanges(self.model, historical_record, max_displayed_delta_change_chars=FULL_VALUES)


@admin.register(DocumentStyle)
class DocumentStyleAdmin(admin.ModelAdmin):
    """How each kind of body heads and signs its documents; a unit's own lines are set on the unit."""

    list_display = ["code", "name", "system", "symbol"]
    list_filter = ["system"]
    search_fields = ["code", "name", "issuing"]


@admin.register(UnitDocument)
class UnitDocumentAdmin(admin.ModelAdmin):
    """A unit's own document lines, where they differ from its kind's style, and the name of its signer. Kept
    apart from the unit's page, whose form other screens post as it is."""

    list_display = ["unit", "style", "issuing", "symbol", "signer_name"]
    list_select_related = ["unit", "style"]
    search_fields = ["unit__code", "unit__name", "issuing"]
    autocomplete_fields = ["unit"]


@admin.register(UnitKind)
class UnitKindAdmin(KeepsTotals, admin.ModelAdmin):
    counting = ("reports",)

    def refresh_totals(self, obj, initial):
        totals_refresh()

    list_display = ["code", "name", "reports", "document_style", "order"]
    search_fields = ["code", "name"]
    list_filter = ["reports"]


@admin.register(PeriodKind)
class PeriodKindAdmin(admin.ModelAdmin):
    """Kinds are added and renamed here; a kind's code (what periods store) and whether it is the annual kind
    (how its reports are judged) are fixed once it exists."""

    list_display = ["code", "name", "annual", "order"]
    search_fields = ["code", "name"]

    def get_readonly_fields(self, request, obj=None):
        return ["code", "annual"] if obj is not None else []


@admin.register(ModelField)
class ModelFieldAdmin(admin.ModelAdmin):
    """The fields of the "Dân vận khéo" models, as the province's document lists them. A field is added here and
    offered at once on the register; one no longer in use is made inactive, not deleted (its models keep it).
    Its code, what the models store, is fixed once it exists."""

    list_display = ["code", "name", "basis", "order", "active"]
    list_filter = ["active", "basis"]
    search_fields = ["code", "name"]

    def get_readonly_fields(self, request, obj=None):
        return ["code"] if obj is not None else []


@admin.register(RecognitionLevel)
class RecognitionLevelAdmin(admin.ModelAdmin):
    """The levels of recognition and the days each may be used on ("Cấp huyện" until 30/06/2025). Its code,
    what the models store, is fixed once it exists."""

    list_display = ["code", "name", "order", "valid_from", "valid_until"]
    search_fields = ["code", "name"]

    def get_readonly_fields(self, request, obj=None):
        return ["code"] if obj is not None else []


class UnitForm(FrozenFiguresForm):
    def clean(self):
        cleaned = super().clean()
        opened_on = cleaned.get("opened_on")
        for predecessor in cleaned.get("predecessors") or []:
            if predecessor.pk is not None and predecessor.pk == self.instance.pk:
                self.add_error("predecessors", "Đơn vị không thể là tiền thân của chính nó.")
            elif opened_on is None:
                self.add_error("opened_on", "Đơn vị có đơn vị tiền thân cần ngày thành lập (ngày sáp nhập, chia tách).")
                break
            elif not predecessor.closed_by(opened_on):
                self.add_error(
                    "predecessors",
                    f"{predecessor.name} phải giải thể không muộn hơn ngày thành lập {opened_on:%d/%m/%Y} của đơn "
                    "vị này mới là đơn vị tiền thân.",
                )
        return cleaned


@admin.register(Unit)
class UnitAdmin(RecordsHistory):
    """Every write of a unit refreshes the kept sums itself (``reporting.apps``)."""

    form = UnitForm
    list_display = ["code", "name", "kind", "parent", "opened_on", "closed_on"]
    list_filter = ["kind", "closed_on", "parent"]
    search_fields = ["code", "name", "aliases"]
    list_select_related = ["kind", "parent"]
    autocomplete_fields = ["parent", "predecessors"]
    readonly_fields = ["expected_by"]

    @admin.display(description="chương trình yêu cầu báo cáo")
    def expected_by(self, obj):
        """Which programmes count the unit (docs/decisions/0032): one report per period of each, whatever its
        dates; two programmes listed mean two reports."""
        if obj.pk is None:
            return "—"
        if not obj.kind.reports:
            return "Loại đơn vị này không tự báo cáo."
        programmes = counting_programmes(obj)
        own = list(Programme.objects.filter(area=obj).order_by("-year", "code"))
        lines = [f"{programme.year} · {programme.code} — {programme.title}" for programme in programmes]
        lines += [f"{programme.year} · {programme.code} — địa bàn của chương trình này" for programme in own]
        return format_html_join(mark_safe("<br>"), "{}", ((line,) for line in lines)) if lines else "Chưa có."


class TaskGroupInline(admin.TabularInline):
    model = TaskGroup
    extra = 0


class PeriodInline(admin.TabularInline):
    model = Period
    form = FrozenFiguresForm
    extra = 0


class CopyForm(forms.Form):
    year = forms.IntegerField(label="Năm của chương trình mới", min_value=2000, max_value=2100)
    code = forms.CharField(
        label="Mã chương trình mới", required=False, max_length=60, help_text="Để trống: mã gốc với năm mới."
    )
    area = forms.CharField(
        label="Mã đơn vị địa bàn",
        required=False,
        max_length=20,
        help_text="Để trống: địa bàn của chương trình gốc. Ví dụ 12 cho tỉnh Lai Châu.",
    )

    def plan(self, source: Programme):
        """The copy's plan, or None with the reason added to the form's errors."""
        area = None
        if code := self.cleaned_data["area"].strip():
            year = self.cleaned_data["year"]
            area = Unit.objects.coded_in_year(code, year).first()  # the unit carrying the code in the new year
            if area is None:
                self.add_error("area", f"Không có đơn vị mã {code} tồn tại trong năm {year}.")
                return None
        try:
            return copy_plan(source, year=self.cleaned_data["year"], code=self.cleaned_data["code"], area=area)
        except CopyError as error:
            self.add_error(None, str(error))
            return None


def previewed(plan) -> str:
    """What the preview showed, sent back with the confirmation: a copy is made only as it was previewed."""
    return f"{plan.code}|{plan.year}|{plan.area.code}"


@admin.register(Programme)
class ProgrammeAdmin(KeepsTotals, RecordsHistory):
    form = FrozenFiguresForm
    actions = ["copy_selected"]
    counting = ("year",)  # and the periods' dates, in the inline
    list_display = ["code", "year", "title", "issuing_body", "area"]
    list_filter = ["year"]
    search_fields = ["code", "title", "issuing_body"]
    list_select_related = ["area"]
    autocomplete_fields = ["area", "reviewing_unit"]
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
            "Báo cáo tổng hợp của cơ quan thẩm định (tiêu đề, ký hiệu, người ký: thể thức văn bản của đơn vị đó)",
            {
                "fields": [
                    "reviewing_unit",
                    "report_place",
                    "report_recipients",
                ]
            },
        ),
        (
            "Thẩm định: thay đổi bất thường so với kỳ trước",
            {"fields": ["plausible_cumulative_fall", "plausible_jump", "plausible_denominator_change"]},
        ),
    ]

    def refresh_totals(self, obj, initial):
        programmes_changed({obj.year, initial.get("year") or obj.year})

    @admin.action(description="Sao chép sang năm khác hoặc địa bàn khác…", permissions=["add"])
    def copy_selected(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Chọn đúng một chương trình để sao chép.", messages.WARNING)
            return None
        return redirect("admin:programme_programme_copy", queryset.get().pk)

    def get_urls(self):
        copy = path("<int:pk>/copy/", self.admin_site.admin_view(self.copy_view), name="programme_programme_copy")
        return [copy, *super().get_urls()]

    def copy_view(self, request, pk):
        """The copy's form, then its preview (what would be made), then the copy itself on confirmation."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        source = get_object_or_404(Programme.objects.select_related("area"), pk=pk)
        form = CopyForm(request.POST or None, initial={"year": source.year + 1})
        plan = form.plan(source) if request.method == "POST" and form.is_valid() else None
        if plan is not None and "apply" in request.POST and request.POST.get("previewed") == previewed(plan):
            try:
                programme = copy_programme(plan)
            except CopyError as error:
                form.add_error(None, str(error))
            else:
                self.log_addition(request, programme, f"Sao chép từ {source.code}")
                self.message_user(
                    request,
                    f"Đã sao chép {source.code} thành {programme.code}. Hãy ghi số hiệu và ngày ban hành của văn bản mới.",
                    messages.SUCCESS,
                )
                return redirect(reverse("admin:programme_programme_change", args=[programme.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Sao chép {source}",
            "source": source,
            "form": form,
            "plan": plan,
            "previewed": previewed(plan) if plan else "",
        }
        return TemplateResponse(request, "admin/programme/programme/copy.html", context)


class TargetCategoryInline(admin.TabularInline):
    """The target's categories (docs/decisions/0028-breakdowns.md). One used by a report's figures cannot be
    deleted: the figures keep it."""

    model = TargetCategory
    extra = 0
    fields = ["order", "code", "name"]


@admin.register(Target)
class TargetAdmin(KeepsTotals, RecordsHistory):
    form = FrozenFiguresForm
    inlines = [TargetCategoryInline]
    counting = ("programme", "operator", "threshold", "judged", "source", "applies_to")
    list_display = ["code", "short_name", "operator", "threshold", "judged", "source", "programme"]
    list_filter = ["programme", "judged", "source", "applies_to"]
    search_fields = ["code", "short_name", "wording"]
    list_select_related = ["programme"]
    filter_horizontal = ["applies_to"]

    def refresh_totals(self, obj, initial):
        programmes = {initial.get("programme", obj.programme_id), obj.programme_id}
        periods = Period.objects.filter(programme__in=programmes).select_related("programme")
        totals_refresh(periods=periods, targets=[obj] if initial else None)  # a deleted target has no rows left


@admin.register(ValidationRule)
class ValidationRuleAdmin(admin.ModelAdmin):
    """The checks across targets. A rule changes no figure, so it needs no refresh of the district's sums; an
    approved report is judged by the rules as they are when it is read."""

    list_display = ["code", "left", "operator", "right", "importance", "programme", "order"]
    list_filter = ["programme", "importance"]
    search_fields = ["code", "left", "right", "message"]
    list_select_related = ["programme"]
    fields = ["programme", "code", "order", "left", "operator", "right", "importance", "message"]


@admin.register(Period)
class PeriodAdmin(KeepsTotals, RecordsHistory):
    form = FrozenFiguresForm
    counting = ("programme", "start", "end")
    list_display = ["code", "name", "short_name", "kind", "start", "end", "due", "programme"]
    list_filter = ["programme", "kind"]
    search_fields = ["code", "name", "short_name"]
    list_select_related = ["programme", "kind"]

    def refresh_totals(self, obj, initial):
        totals_refresh(periods=Period.objects.filter(pk=obj.pk).select_related("programme"))


@admin.register(ExemplaryModel)
class ExemplaryModelAdmin(KeepsTotals, admin.ModelAdmin):
    counting = ("unit", "year", "registered_on", "recognised_on")
    list_display = ["name", "unit", "field", "year", "registered_on", "recognised_on", "recognition_level"]
    list_filter = ["year", "field", "recognition_level", "unit__kind"]
    search_fields = ["name", "unit__name", "unit__code"]
    list_select_related = ["unit", "field", "recognition_level"]
    autocomplete_fields = ["unit"]
    ordering = ["unit", "year", "registered_on"]
    date_hierarchy = "registered_on"

    def refresh_totals(self, obj, initial):
        units = Unit.objects.filter(pk__in={initial.get("unit", obj.unit_id), obj.unit_id})
        for year in {initial.get("year", obj.year), obj.year}:
            register_changed(units=units, year=year)
