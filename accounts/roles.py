"""The four roles, each a Django group carrying permissions. Code asks for permissions, never for groups."""

from django.db import models

OFFICER_PERMISSIONS = [
    "reporting.submit_report",
    "programme.register_model",
]
REVIEWER_PERMISSIONS = [
    "reporting.review_report",
    "reporting.view_all_reports",
    "programme.recognise_model",
    "programme.view_unit",
    "programme.view_target",
    "programme.view_period",
    "programme.view_programme",
    "programme.view_exemplarymodel",
]
LEADER_PERMISSIONS = [
    "reporting.view_all_reports",
    "programme.view_unit",
    "programme.view_target",
    "programme.view_period",
    "programme.view_programme",
    "programme.view_exemplarymodel",
]


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", "Quản trị"
    REVIEWER = "reviewer", "Cán bộ Ban Dân vận"
    LEADER = "leader", "Lãnh đạo"
    OFFICER = "officer", "Cán bộ đơn vị"


def role_permissions() -> dict[Role, list[str]]:
    from django.apps import apps

    admin_perms = [
        f"{perm.content_type.app_label}.{perm.codename}"
        for perm in apps.get_model("auth", "Permission")
        .objects.filter(content_type__app_label__in=["accounts", "programme", "reporting", "followup"])
        .select_related("content_type")
    ]
    return {
        Role.ADMINISTRATOR: admin_perms,
        Role.REVIEWER: REVIEWER_PERMISSIONS,
        Role.LEADER: LEADER_PERMISSIONS,
        Role.OFFICER: OFFICER_PERMISSIONS,
    }


def sync_role_groups(sender=None, **kwargs):
    """Create each role's group with exactly its permissions (idempotent; runs after every migrate)."""
    from django.contrib.auth.models import Group, Permission

    if not Permission.objects.filter(content_type__app_label="reporting").exists():
        return  # the apps' permissions are not created yet; a later post_migrate call will do it
    for role, perm_names in role_permissions().items():
        group, _ = Group.objects.get_or_create(name=role.label)
        perms = []
        for name in perm_names:
            app_label, codename = name.split(".")
            perms.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        group.permissions.set(perms)
