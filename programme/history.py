"""The record of changes to programmes, targets, periods and units (django-simple-history), read on each
object's "Lịch sử" page in the admin (``programme.admin.RecordsHistory``).

What ``loaddata`` writes (rows and their many-to-many fields) and what is written in bulk is not recorded: so
such rows, and rows made before history was kept, have no version yet, and the first change to one first
records the row as it is stored, so that the change shows its old values too.
"""

from django.db.models.signals import pre_save
from simple_history.models import HistoricalRecords

STORED_BEFORE = "Đã có trước khi ghi lịch sử"


class History(HistoricalRecords):
    def finalize(self, sender, **kwargs):
        super().finalize(sender, **kwargs)
        if sender is self.cls:
            pre_save.connect(self.record_stored_version, sender=sender, weak=False)

    def post_save(self, instance, created, using=None, **kwargs):
        if kwargs.get("raw"):
            instance._history_loaded = True  # the loader sets its many-to-many fields next: a load too
        super().post_save(instance, created, using=using, **kwargs)

    def m2m_changed(self, instance, action, attr, pk_set, reverse, **kwargs):
        if not getattr(instance, "_history_loaded", False):
            super().m2m_changed(instance, action, attr, pk_set, reverse, **kwargs)

    def record_stored_version(self, instance, raw=False, **kwargs):
        if raw or instance.pk is None or instance._state.adding or hasattr(instance, "skip_history_when_saving"):
            return
        if getattr(instance, self.manager_name).exists():
            return
        stored = self.cls._base_manager.filter(pk=instance.pk).first()
        if stored is None:
            return
        stored._history_user = None  # nobody changed it: it was there
        stored._change_reason = STORED_BEFORE
        self.create_historical_record(stored, "~")
