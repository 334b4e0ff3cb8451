from django.apps import AppConfig
from django.db.models.signals import post_migrate

TOTALS_MIGRATION = ("reporting", "0006_target_totals")


def fill_totals(sender, *, plan=None, using="default", **kwargs):
    """When the migration that makes the kept sums has just run, fill them from the values already there: an
    upgraded database shows the figures it showed before, with no step to remember. After the migrations, so
    that the rule reads today's tables."""
    if not any(
        (migration.app_label, migration.name) == TOTALS_MIGRATION and not backwards
        for migration, backwards in plan or []
    ):
        return
    from django.db import transaction

    from reporting.totals import totals_refresh

    with transaction.atomic(using=using):
        totals_refresh()


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = "Báo cáo và thẩm định"

    def ready(self):
        post_migrate.connect(fill_totals, sender=self, dispatch_uid="reporting.fill_totals")
