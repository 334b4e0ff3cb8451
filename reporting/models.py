"""Submissions, their values and their history. State changes go through ``reporting.services`` only."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.text import capfirst

from programme.models import Period, Target, TargetCategory, TaskGroup, Unit, UnitKind
from reporting.ranking import exact_value_order
from reporting.signed import SignedFile

CLOSING_TEXTS = ("shortcomings", "next_steps", "proposals")  # after the task groups' narratives, in this order


class Submission(models.Model):
    """One unit's report for one period."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Nháp"
        SUBMITTED = "submitted", "Đã nộp"
        RETURNED = "returned", "Bị trả lại"
        APPROVED = "approved", "Đã duyệt"

    COUNTING = (Status.SUBMITTED, Status.APPROVED)

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="submissions", verbose_name="đơn vị")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="submissions", verbose_name="kỳ")
    status = models.CharField("trạng thái", max_length=10, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField("phiên bản", default=1, help_text="Tăng mỗi lần lưu (khóa lạc quan).")
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)
    submitted_at = models.DateTimeField("nộp lúc", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="người nộp",
    )
    is_late = models.BooleanField("nộp muộn", default=False)
    reviewed_at = models.DateTimeField("thẩm định lúc", null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="người thẩm định",
    )
    review_comment = models.TextField("ý kiến thẩm định", blank=True)
    shortcomings = models.TextField("hạn chế, nguyên nhân", blank=True)
    next_steps = models.TextField("phương hướng, nhiệm vụ thời gian tới", blank=True)
    proposals = models.TextField("đề xuất, kiến nghị", blank=True)
    explanations = models.JSONField(
        "giải trình cảnh báo",
        default=dict,
        blank=True,
        help_text="{rule code: the officer's explanation of a warning}; the reviewer reads it beside the warning.",
    )

    class Meta:
        verbose_name = "báo cáo"
        verbose_name_plural = "báo cáo"
        constraints = [
            models.UniqueConstraint(fields=["unit", "period"], name="submission_one_per_unit_period"),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "submitted", "returned", "approved"]), name="submission_status_valid"
            ),
        ]
        permissions = [
            ("submit_report", "Lập và nộp báo cáo của đơn vị mình"),
            ("review_report", "Thẩm định (duyệt, trả lại, mở lại) báo cáo"),
            ("view_all_reports", "Xem báo cáo và số liệu của mọi đơn vị"),
        ]

    def __str__(self):
        return f"{self.unit} — {self.period}"

    @property
    def counts(self) -> bool:
        return self.status in self.COUNTING

    @classmethod
    def closing_texts(cls) -> dict[str, str]:
        """The closing texts of a report, in its order, each field's name → its label as users read it. The labels
        are the fields' verbose names and nowhere else: the form, the review page, the history, the texts' CSV and
        both DOCX reports read them here, when they are shown."""
        return {name: capfirst(cls._meta.get_field(name).verbose_name) for name in CLOSING_TEXTS}

    @classmethod
    def counting_statuses(cls, approved_only: bool) -> list[str]:
        """The statuses of the reports that count in the figures: approved ones only, on request."""
        return [cls.Status.APPROVED] if approved_only else list(cls.COUNTING)


class Narrative(models.Model):
    """The submission's account of one task group of the programme's section III."""

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="narratives", verbose_name="báo cáo"
    )
    task_group = models.ForeignKey(TaskGroup, on_delete=models.PROTECT, related_name="+", verbose_name="nhóm nhiệm vụ")
    text = models.TextField("nội dung", blank=True)

    class Meta:
        verbose_name = "kết quả theo nhóm nhiệm vụ"
        verbose_name_plural = "kết quả theo nhóm nhiệm vụ"
        constraints = [
            models.UniqueConstraint(fields=["submission", "task_group"], name="narrative_one_per_group"),
        ]

    def __str__(self):
        return f"{self.submission} — {self.task_group.number}"


EXACT_ORDER = exact_value_order()


class ValueQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for value in objs:
            value.take_period()
        return super().bulk_create(objs, *args, **kwargs)

    def counting(self, *, approved_only: bool = False) -> "ValueQuerySet":
        """The values that count in the figures: both figures given, in a report that counts (submitted or
        approved; approved only, on request). Every read of the figures starts here."""
        return self.filter(
            submission__status__in=Submission.counting_statuses(approved_only),
            numerator__isnull=False,
            denominator__isnull=False,
        )


class Value(models.Model):
    """A year-to-date figure for one target: numerator of denominator. A denominator of 0 means not applicable."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="values", verbose_name="báo cáo")
    target = models.ForeignKey(Target, on_delete=models.PROTECT, related_name="values", verbose_name="chỉ tiêu")
    numerator = models.PositiveIntegerField("tử số", null=True, blank=True)
    denominator = models.PositiveIntegerField("mẫu số", null=True, blank=True)
    note = models.CharField("ghi chú", max_length=500, blank=True)
    # The report's period, kept on the value (``take_period``: a report never changes period) so that a target's
    # values at a period are one range of an index, in the order of their exact value (``reporting.ranking``).
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="+", editable=False, verbose_name="kỳ")
    value_high = models.GeneratedField(
        expression=EXACT_ORDER["value_high"],
        output_field=models.BigIntegerField(),
        db_persist=True,
        verbose_name="thứ tự giá trị (31 chữ số nhị phân đầu)",
    )
    value_low = models.GeneratedField(
        expression=EXACT_ORDER["value_low"],
        output_field=models.BigIntegerField(),
        db_persist=True,
        verbose_name="thứ tự giá trị (31 chữ số nhị phân sau)",
    )

    objects = ValueQuerySet.as_manager()

    class Meta:
        verbose_name = "số liệu"
        verbose_name_plural = "số liệu"
        indexes = [models.Index(fields=["target", "period", "value_high", "value_low"], name="value_in_exact_order")]
        constraints = [
            models.UniqueConstraint(fields=["submission", "target"], name="value_one_per_target"),
            models.CheckConstraint(
                condition=Q(numerator__isnull=True)
                | Q(denominator__isnull=True)
                | Q(numerator__gte=0) & Q(numerator__lte=F("denominator")),
                name="value_numerator_within_denominator",
                violation_error_message="Tử số phải từ 0 đến mẫu số.",
            ),
            models.CheckConstraint(
                condition=Q(denominator__isnull=True) | Q(denominator__gte=0), name="value_denominator_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.target.code}: {self.numerator}/{self.denominator}"

    def take_period(self) -> None:
        """The value's period is its report's: before every save (``reporting.apps``, ``loaddata``'s raw saves of
        a backup made before values kept it among them) and every ``bulk_create``."""
        self.period_id = self.submission.period_id


class ValuePart(models.Model):
    """One category's figures within a value of a target with categories: the value holds their sum, written by
    the same service in the same transaction (``reporting.services``), so every total, verdict and dashboard
    reads the value as for any target."""

    value = models.ForeignKey(Value, on_delete=models.CASCADE, related_name="parts", verbose_name="số liệu")
    category = models.ForeignKey(
        TargetCategory, on_delete=models.PROTECT, related_name="parts", verbose_name="phần chia"
    )
    numerator = models.PositiveIntegerField("tử số", null=True, blank=True)
    denominator = models.PositiveIntegerField("mẫu số", null=True, blank=True)

    class Meta:
        verbose_name = "số liệu theo phần chia"
        verbose_name_plural = "số liệu theo phần chia"
        constraints = [
            models.UniqueConstraint(fields=["value", "category"], name="value_part_one_per_category"),
            models.CheckConstraint(
                condition=Q(numerator__isnull=True)
                | Q(denominator__isnull=True)
                | Q(numerator__gte=0) & Q(numerator__lte=F("denominator")),
                name="value_part_numerator_within_denominator",
                violation_error_message="Tử số phải từ 0 đến mẫu số.",
            ),
        ]

    def __str__(self):
        return f"{self.category}: {self.numerator}/{self.denominator}"


class SubmissionEvent(models.Model):
    """One entry of a submission's history: a status change or a change of values, never deleted."""

    class Action(models.TextChoices):
        CREATED = "created", "Tạo báo cáo"
        SAVED = "saved", "Lưu nháp"
        SUBMITTED = "submitted", "Nộp báo cáo"
        RETURNED = "returned", "Trả lại"
        APPROVED = "approved", "Duyệt"
        REOPENED = "reopened", "Mở lại"
        IMPORTED = "imported", "Nhập từ tệp"

    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="events", verbose_name="báo cáo")
    at = models.DateTimeField("lúc", auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="tài khoản thực hiện",
    )
    actor_label = models.CharField("người thực hiện", max_length=150, blank=True)
    action = models.CharField("thao tác", max_length=10, choices=Action.choices)
    from_status = models.CharField("từ trạng thái", max_length=10, choices=Submission.Status.choices, blank=True)
    to_status = models.CharField("sang trạng thái", max_length=10, choices=Submission.Status.choices)
    comment = models.TextField("ý kiến", blank=True)
    changes = models.JSONField(
        "thay đổi số liệu",
        default=list,
        blank=True,
        help_text="[{target, field, old, new}, …]; a text's change keeps its previous text and a short summary.",
    )

    class Meta:
        verbose_name = "lịch sử báo cáo"
        verbose_name_plural = "lịch sử báo cáo"

    def __str__(self):
        return f"{self.get_action_display()} — {self.at:%d/%m/%Y %H:%M}"

    @property
    def changes_a_text(self) -> bool:
        """Whether a narrative text changed: only figures carry a target code."""
        return any(not change.get("target") for change in self.changes)


# What an area's kept sums say of the units under it, at any depth: some expected units have no figure that
# counts, or some have a denominator of 0. The pages look for such units only under the areas these select
# (``reporting.selectors.standing.gap_areas``), which a partial index keeps at hand.
UNITS_MISSING = Q(units_expected__gt=F("units_reporting") + F("units_not_applicable"))
UNITS_NOT_APPLICABLE = Q(units_not_applicable__gt=0)


class TargetTotals(models.Model):
    """The sums of the counting figures of one target at one period, over every unit under one area (a unit that
    has units of its own, at any level): what an area's figures are, kept by every change that affects them
    (``reporting.totals``) so that a dashboard reads one row per target and period, whatever the number of units
    under the area. ``approved_only`` rows count approved reports only; the others, submitted and approved ones.
    The rule of what counts is ``reporting.selectors.compliance.direct_sums``; ``manage.py verify_totals``
    checks these rows against it.

    ``units_expected`` counts the units expected for the target (of a kind it applies to, existing on the
    period's end). For MT5a/MT5b (the register's targets) ``units_in_register`` counts those the register as it is
    now counts as meeting the target, ``numerator`` sums the figures fixed into approved reports and ``live``
    counts those of them the register as it is now counts."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+", verbose_name="kỳ")
    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="+", verbose_name="chỉ tiêu")
    area = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+", verbose_name="địa bàn")
    approved_only = models.BooleanField("chỉ báo cáo đã duyệt")
    numerator = models.BigIntegerField("tổng tử số")
    denominator = models.BigIntegerField("tổng mẫu số")
    units_reporting = models.PositiveIntegerField("số đơn vị báo cáo")
    units_meeting = models.PositiveIntegerField("số đơn vị đạt")
    units_not_applicable = models.PositiveIntegerField("số đơn vị không áp dụng")
    live = models.PositiveIntegerField("số đơn vị sổ mô hình hiện tính đạt")
    units_expected = models.PositiveIntegerField("số đơn vị phải báo cáo")
    units_in_register = models.PositiveIntegerField("số đơn vị sổ mô hình hiện tính đạt (mọi đơn vị)")

    class Meta:
        verbose_name = "tổng số liệu"
        verbose_name_plural = "tổng số liệu"
        constraints = [
            models.UniqueConstraint(
                fields=["area", "period", "target", "approved_only"], name="target_totals_one_per_area"
            ),
        ]
        indexes = [
            models.Index(
                fields=["period", "target", "approved_only"],
                condition=UNITS_MISSING | UNITS_NOT_APPLICABLE,
                name="target_totals_with_gaps",
            ),
        ]

    def __str__(self):
        return f"{self.period_id}/{self.target_id}/{self.area_id}"


class PreparedDownload(models.Model):
    """A download too long to make within a request (``reporting.downloads``), made by the background worker
    for the user who asked and served to that user only, kept a day."""

    class Kind(models.TextChoices):
        MATRIX = "ma-tran", "Ma trận đơn vị × chỉ tiêu"
        VALUES = "so-lieu", "Số liệu gốc của các đơn vị"
        TEXTS = "noi-dung", "Nội dung báo cáo của các đơn vị"

    FORMATS = {"xlsx": "Excel", "csv": "CSV"}  # the formats a download is made in, as the pages name them

    class State(models.TextChoices):
        WAITING = "waiting", "Đang chờ"
        RUNNING = "running", "Đang chuẩn bị"
        DONE = "done", "Đã xong"
        FAILED = "failed", "Không thành công"

    ACTIVE = (State.WAITING, State.RUNNING)

    # Not a sequence number: a guessed address names nothing, and another user's is a 404 anyway.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField("tệp", max_length=10, choices=Kind)
    format = models.CharField("định dạng", max_length=5, default="xlsx")
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+")
    approved_only = models.BooleanField("chỉ tính báo cáo đã duyệt", default=False)
    state = models.CharField("trạng thái", max_length=10, choices=State, default=State.WAITING)
    done = models.PositiveIntegerField("số dòng đã ghi", default=0)
    total = models.PositiveIntegerField("tổng số dòng", default=0)  # 0 while the figures are being read
    filename = models.CharField("tên tệp", max_length=200)
    content = models.BinaryField("nội dung", null=True, editable=False)
    error = models.CharField("lỗi", max_length=300, blank=True)
    created_at = models.DateTimeField("yêu cầu lúc", default=timezone.now)
    updated_at = models.DateTimeField("cập nhật lúc", default=timezone.now)

    class Meta:
        verbose_name = "tệp tải xuống đang chuẩn bị"
        verbose_name_plural = "tệp tải xuống đang chuẩn bị"
        constraints = [
            # The same request asked twice while the first is being made gets the first (``download_start``).
            models.UniqueConstraint(
                fields=["owner", "kind", "format", "period", "approved_only"],
                condition=Q(state__in=["waiting", "running"]),
                name="one_active_download_per_request",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.filename}"

    @property
    def format_label(self) -> str:
        return self.FORMATS[self.format]


class ReportCounts(models.Model):
    """Who has reported one period under one area, by kind of unit: how many units of the kind exist there on the
    period's end (expected) and how many of them have a report submitted on time, submitted late, returned, or
    approved (the definitions of ``reporting.selectors.timeliness``). Kept like ``TargetTotals``, by the same
    refresh, so that a completeness tally reads one row per period and kind whatever the number of units."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+", verbose_name="kỳ")
    kind = models.ForeignKey(UnitKind, on_delete=models.CASCADE, related_name="+", verbose_name="loại đơn vị")
    area = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+", verbose_name="địa bàn")
    expected = models.PositiveIntegerField("số đơn vị phải báo cáo")
    on_time = models.PositiveIntegerField("số báo cáo đúng hạn")
    late = models.PositiveIntegerField("số báo cáo muộn")
    returned = models.PositiveIntegerField("số báo cáo bị trả lại")
    approved = models.PositiveIntegerField("số báo cáo đã duyệt")

    class Meta:
        verbose_name = "số báo cáo đã nộp"
        verbose_name_plural = "số báo cáo đã nộp"
        constraints = [models.UniqueConstraint(fields=["area", "period", "kind"], name="report_counts_one_per_area")]

    def __str__(self):
        return f"{self.period_id}/{self.kind_id}/{self.area_id}"


class SignedDocument(SignedFile):
    """The unit's report as signed, stamped and issued (a PDF or a scan), with its number, date and signer, kept
    with it. Never replaced: a new upload is one more document, the newest shown first."""

    submission = models.ForeignKey(
        Submission, on_delete=models.PROTECT, related_name="signed_documents", verbose_name="báo cáo"
    )

    class Meta:
        verbose_name = "văn bản báo cáo đã ký"
        verbose_name_plural = "văn bản báo cáo đã ký"

    def folder(self) -> str:
        return f"van-ban-ky/{self.submission.period_id}/{self.submission.unit_id}"
