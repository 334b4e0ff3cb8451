from django.contrib import admin

from followup.models import Email, Notification, Reminder, ReminderSchedule


@admin.register(ReminderSchedule)
class ReminderScheduleAdmin(admin.ModelAdmin):
    list_display = ("programme", "days_before", "on_due_day", "overdue_every", "overdue_for")


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ("unit", "period", "source", "sent_at", "sent_by", "recipients", "emailed")
    list_filter = ("source", "period")
    list_select_related = ("unit", "period", "sent_by")
    readonly_fields = [field.name for field in Reminder._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Email)
class EmailAdmin(admin.ModelAdmin):
    list_display = ("to", "state", "attempts", "sent_at", "last_error")
    list_filter = ("state",)
    readonly_fields = [field.name for field in Email._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("recipient", "kind", "created_at", "read_at")
    list_filter = ("kind",)
    list_select_related = ("recipient",)
    readonly_fields = [field.name for field in Notification._meta.fields]

    def has_add_permission(self, request):
        return False
