from django.contrib import admin

from synthesis.models import PeriodReport, PeriodReportEvent, PeriodReportSection, SignedPeriodReport


class ReadOnlyInline(admin.TabularInline):
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SectionInline(ReadOnlyInline):
    model = PeriodReportSection
    fields = readonly_fields = ["task_group", "text"]


class EventInline(ReadOnlyInline):
    model = PeriodReportEvent
    ordering = ["at", "pk"]
    fields = readonly_fields = ["at", "action", "actor", "comment", "changes"]


class SignedInline(ReadOnlyInline):
    model = SignedPeriodReport
    ordering = ["-uploaded_at", "-pk"]
    fields = readonly_fields = ["number", "signed_on", "signer", "file_name", "uploaded_by", "uploaded_at"]


@admin.register(PeriodReport)
class PeriodReportAdmin(admin.ModelAdmin):
    """Read-only: the body's report changes only on its page, so that every change is in its history."""

    list_display = ["period", "status", "number", "issued_on", "completed_at"]
    list_filter = ["period__programme", "status"]
    list_select_related = ["period"]
    ordering = ["period"]
    inlines = [SectionInline, EventInline, SignedInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
