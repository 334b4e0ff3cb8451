from axes import admin as axes_admin
from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "last_name", "unit", "is_active", "is_staff"]
    list_filter = ["groups", "is_active", "is_staff", "unit__kind"]
    search_fields = ["username", "first_name", "last_name", "email", "unit__name", "unit__code"]
    list_select_related = ["unit"]
    autocomplete_fields = ["unit"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        ("Đơn vị", {"fields": ["unit"]}),
    ]


admin.site.unregister(AccessAttempt)


@admin.register(AccessAttempt)
class AccessAttemptAdmin(axes_admin.AccessAttemptAdmin):
    """django-axes' own, with the columns it computes named in Vietnamese (its fields are, in accounts/locale)."""

    @admin.display(description="Trạng thái")
    def status(self, obj):
        return super().status(obj)

    @admin.display(description="Hết hạn lúc")
    def expiration(self, obj):
        return super().expiration(obj)
