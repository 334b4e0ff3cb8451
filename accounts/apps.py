from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Tài khoản"

    def ready(self):
        from accounts.roles import sync_role_groups

        # Permissions are created by post_migrate, so the groups that carry them are synced after it too.
        post_migrate.connect(sync_role_groups, dispatch_uid="accounts.sync_role_groups")
