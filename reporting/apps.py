from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save, pre_save

# The migrations that make the kept sums (again), empty.
TOTALS_MIGRATIONS = {("reporting", "0006_target_totals"), ("reporting", "0008_target_totals_by_area")}


def fill_totals(sender, *, plan=None, using="default", **kwargs):
    """When a migration that makes the kept sums has just run, fill them from the values already there: an
    upgraded database shows the figures it showed before, with no step to remember. After the migrations, so
    that the rule reads today's tables."""
    if not any(
        (migration.app_label, migration.name) in TOTALS_MIGRATIONS and not backwards
        for migration, backwards in plan or []
    ):
        return
    from django.db import transaction

    from reporting.totals import totals_refresh

    with transaction.atomic(using=using):
        totals_refresh()


def units_changed(sender, *, parents, units=None, **kwargs):
    """Units were written: who is expected to report under those parents may have changed, and, when one of
    them is or holds a programme's area, who each programme of its year counts."""
    from programme.models import Period
    from reporting.totals import areas_written, totals_changed

    periods = list(Period.objects.select_related("programme").order_by())
    if periods:
        totals_changed(periods=periods, parents=parents)
        areas_written(units, parents=parents)


def unit_saved(sender, instance, raw=False, **kwargs):
    if not raw:  # loaddata's rows: ``verify_totals`` after it fills the sums (the README says so)
        parents = {instance.parent_id, *(getattr(instance, "_stored_parent", None) or ())}
        units_changed(sender, parents=parents, units=[instance])


def unit_deleted(sender, instance, **kwargs):
    units_changed(sender, parents={instance.parent_id}, units=[])  # a programme's area cannot be deleted


def period_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        from programme.models import Period
        from reporting.totals import totals_refresh

        totals_refresh(periods=Period.objects.filter(pk=instance.pk).select_related("programme"))


def programme_stored_year(sender, instance, raw=False, **kwargs):
    instance._stored_year = None
    if not raw and instance.pk is not None:
        instance._stored_year = sender._base_manager.filter(pk=instance.pk).values_list("year", flat=True).first()


def programme_saved(sender, instance, raw=False, **kwargs):
    """Its area or year may have changed, and with them the units its periods count, and those the other
    programmes of its year (and of the year it had) count around it."""
    if not raw:
        from reporting.totals import programmes_changed

        programmes_changed({instance.year, getattr(instance, "_stored_year", None) or instance.year})


def programme_deleted(sender, instance, **kwargs):
    """The units under its area count again for the programmes of its year around it."""
    from reporting.totals import programmes_changed

    programmes_changed({instance.year})


def target_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        from reporting.totals import totals_refresh

        totals_refresh(targets=[instance])


def kinds_changed(sender, instance, action, **kwargs):
    """A target's kinds (``applies_to``) changed, from either side."""
    if action in ("post_add", "post_remove", "post_clear"):
        from programme.models import Target
        from reporting.totals import totals_refresh

        totals_refresh(targets=[instance] if isinstance(instance, Target) else None)


def kind_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        from reporting.totals import totals_refresh

        totals_refresh()


def value_period(sender, instance, raw=False, **kwargs):
    if not (raw and instance.period_id):  # a backup's row holds its period, and its report may come later
        instance.take_period()


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = "Báo cáo và thẩm định"

    def ready(self):
        from programme.models import Period, Programme, Target, Unit, UnitKind, units_written
        from reporting.models import Value

        post_migrate.connect(fill_totals, sender=self, dispatch_uid="reporting.fill_totals")
        post_save.connect(unit_saved, sender=Unit, dispatch_uid="reporting.unit_saved")
        post_delete.connect(unit_deleted, sender=Unit, dispatch_uid="reporting.unit_deleted")
        units_written.connect(units_changed, sender=Unit, dispatch_uid="reporting.units_written")
        # What decides who is expected, written by any path (the admin, a command, a test): the rows follow.
        post_save.connect(period_saved, sender=Period, dispatch_uid="reporting.period_saved")
        pre_save.connect(programme_stored_year, sender=Programme, dispatch_uid="reporting.programme_stored_year")
        post_save.connect(programme_saved, sender=Programme, dispatch_uid="reporting.programme_saved")
        post_delete.connect(programme_deleted, sender=Programme, dispatch_uid="reporting.programme_deleted")
        post_save.connect(target_saved, sender=Target, dispatch_uid="reporting.target_saved")
        post_save.connect(kind_saved, sender=UnitKind, dispatch_uid="reporting.kind_saved")
        pre_save.connect(value_period, sender=Value, dispatch_uid="reporting.value_period")
        m2m_changed.connect(kinds_changed, sender=Target.applies_to.through, dispatch_uid="reporting.kinds_changed")
