from django.contrib import admin
from django_tasks.backends.database.models import DBTaskResult

from reporting.models import Narrative, SignedDocument, Submission, SubmissionEvent, Value

# The background worker's queue (reporting/downloads.py) is its own business, in English: a download's state is
# on its page, and a failure's traceback in the worker's log.
admin.site.unregister(DBTaskResult)


class ValueInline(admin.TabularInline):
    model = Value
    extra = 0
    ordering = ["target__order", "target__code"]
    fields = ["target", "numerator", "denominator", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class NarrativeInline(admin.StackedInline):
    model = Narrative
    extra = 0
    readonly_fields = ["task_group", "text"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class EventInline(admin.TabularInline):
    model = SubmissionEvent
    extra = 0
    ordering = ["at", "pk"]
    fields = ["at", "action", "from_status", "to_status", "actor", "actor_label", "comment", "changes"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SignedDocumentInline(admin.TabularInline):
    model = SignedDocument
    extra = 0
    ordering = ["-uploaded_at", "-pk"]
    fields = ["number", "signed_on", "signer", "file_name", "uploaded_by", "uploaded_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    """Read-only: reports change only through the workflow, so that every change is in the history."""

    list_display = ["unit", "period", "status", "is_late", "submitted_at", "reviewed_at", "version"]
    list_filter = ["period__programme", "period", "status", "is_late", "unit__kind"]
    search_fields = ["unit__name", "unit__code"]
    list_select_related = ["unit", "period"]
    ordering = ["period", "unit"]
    inlines = [ValueInline, NarrativeInline, EventInline, SignedDocumentInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SubmissionEvent)
class SubmissionEventAdmin(admin.ModelAdmin):
    list_display = ["submission", "action", "from_status", "to_status", "actor_label", "at"]
    list_filter = ["action", "to_status"]
    search_fields = ["submission__unit__name", "actor_label", "comment"]
    list_select_related = ["submission__unit", "submission__period"]
    ordering = ["submission__period", "submission__unit", "at", "pk"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
