"""Following up: what users are told (``Notification``), the e-mails that carry it (``Email``), each user's
choice of what comes by e-mail (``EmailChoice``), and the reminders sent to units (``Reminder``), on the days a
programme's ``ReminderSchedule`` gives."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from programme.models import Period, Programme, Unit


class Kind(models.TextChoices):
    """What a notification is about; each user chooses which kinds also come by e-mail."""

    SUBMITTED = "submitted", "Đơn vị nộp báo cáo"
    RETURNED = "returned", "Báo cáo bị trả lại"
    APPROVED = "approved", "Báo cáo được duyệt"
    REOPENED = "reopened", "Báo cáo được mở lại"
    REMINDER = "reminder", "Nhắc hạn nộp báo cáo"
    URGED = "urged", "Ban Dân vận đôn đốc nộp báo cáo"
    MILESTONE = "milestone", "Nhắc hạn mốc công việc"


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name="người nhận"
    )
    kind = models.CharField("loại", max_length=12, choices=Kind.choices)
    text = models.TextField("nội dung")
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name="đơn vị"
    )
    period = models.ForeignKey(
        Period, null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name="kỳ"
    )
    link = models.CharField("đường dẫn", max_length=300, blank=True, help_text="Trang của báo cáo, trong trang web.")
    created_at = models.DateTimeField("lúc", auto_now_add=True)
    read_at = models.DateTimeField("đã đọc lúc", null=True, blank=True)

    class Meta:
        verbose_name = "thông báo"
        verbose_name_plural = "thông báo"
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_by_recipient"),
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="notification_kind_valid"),
        ]

    def __str__(self):
        return self.text[:80]


class Email(models.Model):
    """One e-mail carrying one notification, followed through its attempts (``followup.mail``)."""

    class State(models.TextChoices):
        WAITING = "waiting", "Đang chờ gửi"
        SENT = "sent", "Đã gửi"
        FAILED = "failed", "Không gửi được"

    notification = models.OneToOneField(
        Notification, on_delete=models.CASCADE, related_name="email", verbose_name="thông báo"
    )
    to = models.EmailField("gửi tới")
    state = models.CharField("trạng thái", max_length=8, choices=State.choices, default=State.WAITING)
    attempts = models.PositiveSmallIntegerField("số lần thử", default=0)
    last_error = models.TextField("lỗi gần nhất", blank=True)
    sent_at = models.DateTimeField("gửi lúc", null=True, blank=True)

    class Meta:
        verbose_name = "thư điện tử"
        verbose_name_plural = "thư điện tử"
        constraints = [
            models.CheckConstraint(condition=Q(state__in=["waiting", "sent", "failed"]), name="email_state_valid"),
        ]

    def __str__(self):
        return f"{self.to}: {self.notification}"


class EmailChoice(models.Model):
    """The kinds a user gets by e-mail as well. A user who never chose gets every kind (``DEFAULT_KINDS``)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_choice", verbose_name="người dùng"
    )
    kinds = models.JSONField("nhận qua e-mail", default=list, blank=True)

    class Meta:
        verbose_name = "lựa chọn nhận e-mail"
        verbose_name_plural = "lựa chọn nhận e-mail"

    def __str__(self):
        return str(self.user)


DEFAULT_KINDS = tuple(Kind.values)


def default_days_before() -> list[int]:
    return [5, 1]


def days_list(value) -> None:
    if not isinstance(value, list) or not all(isinstance(day, int) and 0 < day <= 60 for day in value):
        raise ValidationError("Ghi danh sách số ngày, mỗi số từ 1 đến 60, ví dụ [5, 1].")


class ReminderSchedule(models.Model):
    """When the daily run (``manage.py send_reminders``) reminds the units that have not reported. A programme
    without one follows ``DEFAULT``."""

    programme = models.OneToOneField(
        Programme, on_delete=models.CASCADE, related_name="reminder_schedule", verbose_name="chương trình"
    )
    days_before = models.JSONField(
        "nhắc trước hạn (ngày)",
        default=default_days_before,
        blank=True,
        validators=[days_list],
        help_text="Ví dụ [5, 1].",
    )
    on_due_day = models.BooleanField("nhắc vào ngày hết hạn", default=True)
    overdue_every = models.PositiveSmallIntegerField(
        "khi quá hạn, nhắc mỗi (ngày)", default=3, help_text="0: không nhắc khi đã quá hạn."
    )
    overdue_for = models.PositiveSmallIntegerField(
        "nhắc quá hạn trong tối đa (ngày)", default=60, help_text="Sau số ngày này thôi nhắc tự động."
    )

    class Meta:
        verbose_name = "lịch nhắc hạn"
        verbose_name_plural = "lịch nhắc hạn"

    def __str__(self):
        return f"Lịch nhắc hạn — {self.programme}"

    def reminds_on(self, days_to_due: int) -> bool:
        """Whether a unit that has not reported is reminded when the due date is ``days_to_due`` days away
        (0: the due day; negative: overdue by that many days)."""
        if days_to_due > 0:
            return days_to_due in self.days_before
        if days_to_due == 0:
            return self.on_due_day
        late = -days_to_due
        return bool(self.overdue_every) and late <= self.overdue_for and late % self.overdue_every == 0


def schedule_for(programme: Programme) -> ReminderSchedule:
    """The programme's schedule, or the default one (not saved) when it has none. One query."""
    found = ReminderSchedule.objects.filter(programme=programme).first()
    return found or ReminderSchedule(programme=programme)


class Reminder(models.Model):
    """A reminder sent to a unit's officers about one period: by the daily run, or by a reviewer ("đôn đốc")."""

    class Source(models.TextChoices):
        SCHEDULE = "schedule", "Tự động theo lịch"
        REVIEWER = "reviewer", "Đôn đốc"

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+", verbose_name="đơn vị")
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+", verbose_name="kỳ")
    source = models.CharField("cách gửi", max_length=8, choices=Source.choices)
    day = models.DateField("ngày")
    sent_at = models.DateTimeField("lúc", auto_now_add=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="người gửi",
    )
    message = models.TextField("lời nhắn", blank=True)
    recipients = models.PositiveSmallIntegerField("số người nhận trong ứng dụng", default=0)
    emailed = models.PositiveSmallIntegerField("số người nhận qua e-mail", default=0)

    class Meta:
        verbose_name = "lần nhắc, đôn đốc"
        verbose_name_plural = "các lần nhắc, đôn đốc"
        indexes = [models.Index(fields=["unit", "period", "-sent_at"], name="reminder_by_unit_period")]
        constraints = [
            # The daily run reminds a unit of a period once a day, however often it runs.
            models.UniqueConstraint(
                fields=["unit", "period", "day"], condition=Q(source="schedule"), name="reminder_once_a_day"
            ),
            models.CheckConstraint(condition=Q(source__in=["schedule", "reviewer"]), name="reminder_source_valid"),
        ]

    def __str__(self):
        return f"{self.unit} — {self.period} ({self.day:%d/%m/%Y})"

    @property
    def how(self) -> str:
        """How it reached the unit, in words."""
        parts = [f"trong ứng dụng ({self.recipients} người)"] if self.recipients else ["không có cán bộ nhận"]
        if self.emailed:
            parts.append(f"e-mail ({self.emailed} người)")
        return ", ".join(parts)
