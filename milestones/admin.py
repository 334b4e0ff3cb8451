from django.contrib import admin

from milestones.models import Milestone, MilestoneRecord


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "due", "evidence", "programme", "order"]
    list_filter = ["programme", "evidence"]
    search_fields = ["code", "name"]
    list_select_related = ["programme"]
    filter_horizontal = ["kinds"]
    autocomplete_fields = ["units"]


@admin.register(MilestoneRecord)
class MilestoneRecordAdmin(admin.ModelAdmin):
    """What units recorded and reviewers decided: changed on the app's pages, read here."""

    list_display = ["milestone", "unit", "status", "done_on", "document_number", "recorded_at", "reviewed_by"]
    list_filter = ["status", "milestone"]
    list_select_related = ["milestone", "unit", "reviewed_by"]
    readonly_fields = [field.name for field in MilestoneRecord._meta.fields]

    def has_add_permission(self, request):
        return False
