"""The record of changes to programmes, targets, periods and units (django-simple-history), read on each
object's "Lịch sử" page in the admin (``programme.admin.RecordsHistory``).

Rows loaded by ``loaddata``, written in bulk or made before history was kept have no record: the first change
to such a row first records the row as it is stored, so that the change shows its old values too.
"""

from django.db.models.signals import pre_save
from simple_history.models import HistoricalRecords

STORED_BEFORE = "Đã có trước khi ghi lịch sử"


class History(HistoricalRecords):
    def finalize(self, sender, **kwargs):
        super().finalize(sender, **kwargs)
        if sender is self.cls:
            pre_save.connect(self.record_stored_version, sender=sender, weak=False)

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
