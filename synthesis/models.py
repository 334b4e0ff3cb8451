"""The reviewing body's own report for a period (the Ban's "báo cáo kết quả"), composed in the browser: its texts,
written beside the units' reports, with the figures it quotes kept as references to the data, its number, date,
signer and recipients. "Hoàn thành" locks it and keeps the document as issued in its history; reopening needs a reason.
Changes go through ``synthesis.services`` only."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.text import capfirst

from programme.models import Period, TaskGroup
from reporting.signed import SignedFile

# The report's own texts, in its order, around section II's task groups (``PeriodReportSection``).
OPENING_TEXTS = ("opening", "people")
CLOSING_TEXTS = ("strengths", "shortcomings", "causes", "next_steps", "proposals")


class PeriodReport(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Đang soạn"
        COMPLETE = "complete", "Hoàn thành"

    period = models.OneToOneField(Period, on_delete=models.PROTECT, related_name="period_report", verbose_name="kỳ")
    status = models.CharField("trạng thái", max_length=10, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField("phiên bản", default=1, help_text="Tăng mỗi lần lưu (khóa lạc quan).")
    opening = models.TextField("mở đầu", blank=True)
    people = models.TextField("tình hình Nhân dân", blank=True)
    strengths = models.TextField("ưu điểm", blank=True)
    shortcomings = models.TextField("hạn chế, khuyết điểm", blank=True)
    causes = models.TextField("nguyên nhân", blank=True)
    next_steps = models.TextField("phương hướng, nhiệm vụ kỳ tới", blank=True)
    proposals = models.TextField("đề xuất, kiến nghị", blank=True)
    number = models.CharField("số", max_length=20, blank=True, help_text="Phần số, ví dụ 125: in ra “Số 125-BC/…”.")
    issued_on = models.DateField("ngày báo cáo", null=True, blank=True)
    signer_name = models.CharField("người ký", max_length=120, blank=True)
    recipients = models.TextField("nơi nhận", blank=True, help_text="Mỗi dòng một nơi nhận, dòng cuối là dòng lưu.")
    approved_only = models.BooleanField("chỉ số liệu đã duyệt", default=False)
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)
    completed_at = models.DateTimeField("hoàn thành lúc", null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="người hoàn thành",
    )

    class Meta:
        verbose_name = "báo cáo tổng hợp của Ban"
        verbose_name_plural = "báo cáo tổng hợp của Ban"
        constraints = [
            models.CheckConstraint(condition=Q(status__in=["draft", "complete"]), name="period_report_status_valid"),
        ]

    def __str__(self):
        return f"Báo cáo {self.period}"

    @property
    def is_complete(self) -> bool:
        return self.status == self.Status.COMPLETE

    @classmethod
    def labels(cls) -> dict[str, str]:
        """The report's own texts, each field's name → its label as users read it, in the report's order (the task
        groups come between "people" and "strengths")."""
        return {name: capfirst(cls._meta.get_field(name).verbose_name) for name in OPENING_TEXTS + CLOSING_TEXTS}


class PeriodReportSection(models.Model):
    """The body's own text on one task group of section II."""

    report = models.ForeignKey(PeriodReport, on_delete=models.CASCADE, related_name="sections", verbose_name="báo cáo")
    task_group = models.ForeignKey(TaskGroup, on_delete=models.PROTECT, related_name="+", verbose_name="nhóm nhiệm vụ")
    text = models.TextField("nội dung", blank=True)

    class Meta:
        verbose_name = "nội dung nhóm nhiệm vụ"
        verbose_name_plural = "nội dung nhóm nhiệm vụ"
        constraints = [
            models.UniqueConstraint(fields=["report", "task_group"], name="period_report_one_section_per_group"),
        ]

    def __str__(self):
        return f"{self.report} — {self.task_group.number}"


class PeriodReportEvent(models.Model):
    """One step of the report's history: a save (each text's previous wording kept), completion, reopening."""

    class Action(models.TextChoices):
        SAVED = "saved", "Lưu"
        COMPLETED = "completed", "Hoàn thành"
        REOPENED = "reopened", "Mở lại"

    report = models.ForeignKey(PeriodReport, on_delete=models.PROTECT, related_name="events", verbose_name="báo cáo")
    at = models.DateTimeField("lúc", auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="người thực hiện"
    )
    action = models.CharField("thao tác", max_length=10, choices=Action.choices)
    comment = models.TextField("lý do", blank=True)
    changes = models.JSONField("thay đổi", default=list, blank=True)
    document = models.BinaryField(
        "văn bản", blank=True, default=bytes, editable=False, help_text="Văn bản DOCX như khi hoàn thành."
    )

    class Meta:
        verbose_name = "lịch sử báo cáo tổng hợp"
        verbose_name_plural = "lịch sử báo cáo tổng hợp"

    def __str__(self):
        return f"{self.get_action_display()} — {self.at:%d/%m/%Y %H:%M}"


class SignedPeriodReport(SignedFile):
    """The body's report as signed, stamped and issued, kept with it, as a unit's is with its report."""

    report = models.ForeignKey(
        PeriodReport, on_delete=models.PROTECT, related_name="signed_documents", verbose_name="báo cáo"
    )

    class Meta:
        verbose_name = "văn bản báo cáo tổng hợp đã ký"
        verbose_name_plural = "văn bản báo cáo tổng hợp đã ký"

    def folder(self) -> str:
        return f"van-ban-ky/{self.report.period_id}/ban"
