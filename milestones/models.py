"""The programme's named deliverables ("mốc công việc"): a congress held, a review written, a plan issued. Each
``Milestone`` is programme data with the units responsible (by kind or by name) and a due date; each unit
records its own as done (``MilestoneRecord``: the day, the document's number when one is asked), and a
reviewer confirms it or returns it with a comment."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from milestones.attachments import stored_path
from programme.models import Programme, Unit, UnitKind


class MilestoneManager(models.Manager):
    def get_by_natural_key(self, programme_code, code):
        return self.get(programme__code=programme_code, code=code)


class Milestone(models.Model):
    class Evidence(models.TextChoices):
        DATE = "date", "Ngày hoàn thành"
        DOCUMENT = "document", "Số và ngày văn bản"

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="milestones", verbose_name="chương trình"
    )
    code = models.CharField("mã", max_length=20, help_text="Ví dụ DH-MTTQ.")
    order = models.PositiveSmallIntegerField("thứ tự", default=0)
    name = models.CharField("tên việc", max_length=300)
    description = models.TextField("nội dung, căn cứ", blank=True)
    due = models.DateField("hạn hoàn thành")
    kinds = models.ManyToManyField(
        UnitKind, blank=True, related_name="+", verbose_name="loại đơn vị thực hiện", help_text="Mọi đơn vị loại này."
    )
    units = models.ManyToManyField(
        Unit, blank=True, related_name="+", verbose_name="đơn vị thực hiện", help_text="Thêm từng đơn vị theo tên."
    )
    evidence = models.CharField(
        "cách ghi hoàn thành",
        max_length=8,
        choices=Evidence.choices,
        default=Evidence.DATE,
        help_text="Số và ngày văn bản: đơn vị phải ghi số hiệu văn bản (kế hoạch, báo cáo, quyết định).",
    )

    objects = MilestoneManager()

    class Meta:
        ordering = ["programme", "order", "code"]
        verbose_name = "mốc công việc"
        verbose_name_plural = "mốc công việc"
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="milestone_unique_code"),
            models.CheckConstraint(condition=Q(evidence__in=["date", "document"]), name="milestone_evidence_valid"),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (*self.programme.natural_key(), self.code)

    natural_key.dependencies = ["programme.programme"]


class MilestoneRecord(models.Model):
    """A unit's milestone recorded done, then confirmed or returned by a reviewer."""

    class Status(models.TextChoices):
        DONE = "done", "Đã báo hoàn thành, chờ xác nhận"
        CONFIRMED = "confirmed", "Đã xác nhận"
        RETURNED = "returned", "Bị trả lại"

    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="records", verbose_name="mốc")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name="đơn vị")
    status = models.CharField("trạng thái", max_length=10, choices=Status.choices, default=Status.DONE)
    done_on = models.DateField("ngày hoàn thành")
    document_number = models.CharField("số hiệu văn bản", max_length=60, blank=True)
    note = models.TextField("ghi chú", blank=True)
    attachment = models.FileField("tệp đính kèm", upload_to=stored_path, blank=True, max_length=200)
    attachment_name = models.CharField("tên tệp đính kèm", max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="người ghi"
    )
    recorded_at = models.DateTimeField("ghi lúc")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="người xác nhận",
    )
    reviewed_at = models.DateTimeField("xác nhận lúc", null=True, blank=True)
    review_comment = models.TextField("ý kiến của Ban", blank=True)

    class Meta:
        verbose_name = "mốc công việc của đơn vị"
        verbose_name_plural = "mốc công việc của các đơn vị"
        constraints = [
            models.UniqueConstraint(fields=["milestone", "unit"], name="milestone_record_once"),
            models.CheckConstraint(
                condition=Q(status__in=["done", "confirmed", "returned"]), name="milestone_record_status_valid"
            ),
        ]

    def __str__(self):
        return f"{self.unit} — {self.milestone}"

    @property
    def counts_done(self) -> bool:
        """Done for the overview: recorded (waiting for confirmation) or confirmed; a returned one is not."""
        return self.status != self.Status.RETURNED


class MilestoneReminder(models.Model):
    """A reminder of a milestone sent to a unit's officers by the daily run: at most once a unit a day."""

    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="+", verbose_name="mốc")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+", verbose_name="đơn vị")
    day = models.DateField("ngày")
    sent_at = models.DateTimeField("lúc", auto_now_add=True)
    recipients = models.PositiveSmallIntegerField("số người nhận trong ứng dụng", default=0)
    emailed = models.PositiveSmallIntegerField("số người nhận qua e-mail", default=0)

    class Meta:
        verbose_name = "lần nhắc mốc công việc"
        verbose_name_plural = "các lần nhắc mốc công việc"
        constraints = [
            models.UniqueConstraint(fields=["milestone", "unit", "day"], name="milestone_reminder_once_a_day"),
        ]

    def __str__(self):
        return f"{self.unit} — {self.milestone} ({self.day:%d/%m/%Y})"
