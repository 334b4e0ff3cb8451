"""Every change of the body's period report happens here, atomically, with its history entry: saving its texts
and header data (a stale version is refused, so two reviewers never overwrite each other), completing it (which
keeps the document as issued) and reopening it (with a reason)."""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import capfirst

from accounts.permissions import Action, require
from programme.models import Period, TaskGroup
from reporting.services import group_change, text_change
from reporting.signed import keep_signed
from synthesis.document import build_period_report
from synthesis.models import (
    CLOSING_TEXTS,
    OPENING_TEXTS,
    PeriodReport,
    PeriodReportEvent,
    PeriodReportSection,
    SignedPeriodReport,
)

HEADER_FIELDS = ("number", "issued_on", "signer_name", "recipients", "approved_only")
NOT_COMPLETE = "Chỉ đính kèm văn bản đã ký khi báo cáo đã hoàn thành."


class ReportRefused(Exception):
    """A change refused; the message is for the user, in Vietnamese."""


class StaleReport(ReportRefused):
    def __init__(self, report: PeriodReport):
        self.report = report
        when = timezone.localtime(report.updated_at).strftime("%H:%M ngày %d/%m/%Y")
        super().__init__(
            f"Báo cáo vừa được lưu lúc {when}, sau khi đồng chí mở trang. Nội dung đồng chí đã nhập vẫn được giữ bên "
            "dưới: xem lại so với bản đã lưu rồi lưu lại."
        )


@dataclass(frozen=True)
class Draft:
    """What the page sends: the body's texts by name, its text per task group, and the document's data."""

    texts: dict[str, str] = field(default_factory=dict)
    sections: dict[TaskGroup, str] = field(default_factory=dict)
    number: str = ""
    issued_on: datetime.date | None = None
    signer_name: str = ""
    recipients: str = ""
    approved_only: bool = False


def missing_to_complete(report: PeriodReport, groups: list[TaskGroup]) -> list[str]:
    """What the report still lacks before it can be completed, as Vietnamese phrases (empty: nothing)."""
    labels = PeriodReport.labels()
    texts = {section.task_group_id: section.text for section in report.sections.all()}
    missing = [labels[name].lower() for name in OPENING_TEXTS if not getattr(report, name).strip()]
    missing += [f"nội dung nhóm nhiệm vụ {group.number}" for group in groups if not texts.get(group.id, "").strip()]
    missing += [labels[name].lower() for name in CLOSING_TEXTS if not getattr(report, name).strip()]
    if not report.number.strip():
        missing.append("số văn bản")
    if report.issued_on is None:
        missing.append("ngày báo cáo")
    return missing


def _locked(period: Period, version: int | None) -> tuple[PeriodReport, bool]:
    report, created = PeriodReport.objects.select_for_update().get_or_create(period=period)
    if not created and report.version != version:
        raise StaleReport(report)
    return report, created


def _apply(report: PeriodReport, draft: Draft, groups: list[TaskGroup]) -> list[dict]:
    """Write the draft and return what changed, each text with its previous wording, so none is ever lost."""
    labels = PeriodReport.labels()
    changes = []
    for name in OPENING_TEXTS + CLOSING_TEXTS:
        old, new = getattr(report, name), draft.texts.get(name, "")
        if old != new:
            changes.append(text_change(name=name, label=labels[name], old=old, new=new))
            setattr(report, name, new)
    existing = {section.task_group_id: section for section in report.sections.all()}
    for group in groups:
        section = existing.get(group.id) or PeriodReportSection(report=report, task_group=group)
        new = draft.sections.get(group, "")
        if section.text != new:
            changes.append(group_change(group, old=section.text, new=new))
            section.text = new
            section.save()
    for name in HEADER_FIELDS:
        old, new = getattr(report, name), getattr(draft, name)
        if old != new:
            label = capfirst(PeriodReport._meta.get_field(name).verbose_name)
            changes.append({"target": "", "text": "", "field": label, "old": _shown(old), "new": _shown(new)})
            setattr(report, name, new)
    return changes


def _shown(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, datetime.date):
        return f"{value:%d/%m/%Y}"
    return str(value)


@transaction.atomic
def period_report_save(
    *, user, period: Period, version: int | None, draft: Draft, groups: list[TaskGroup], complete: bool = False
) -> PeriodReport:
    """Save the body's report for the period, and with ``complete`` complete it: every text written, its number
    and date set; the document is then made from it and kept as issued. ``groups`` are the programme's task
    groups; ``version`` the one the page was opened with (None for a report not yet created)."""
    require(user, Action.COMPOSE_REPORT, period.programme.area)
    report, created = _locked(period, version)
    if report.is_complete:
        raise ReportRefused("Báo cáo đã hoàn thành nên không sửa được; cần sửa thì mở lại, ghi rõ lý do.")
    changes = _apply(report, draft, groups)
    if complete and (missing := missing_to_complete(report, groups)):
        raise ReportRefused("Chưa hoàn thành được, còn thiếu: " + ", ".join(missing) + ".")
    if not (created or changes or complete):
        return report  # nothing to save: the version and the history stay as they are
    report.version += 1
    if complete:
        report.status = PeriodReport.Status.COMPLETE
        report.completed_at, report.completed_by = timezone.now(), user
    report.save()
    if changes or created:
        PeriodReportEvent.objects.create(
            report=report, actor=user, action=PeriodReportEvent.Action.SAVED, changes=changes
        )
    if complete:
        document = build_period_report(report)  # as issued: its figures never change after
        PeriodReportEvent.objects.create(
            report=report, actor=user, action=PeriodReportEvent.Action.COMPLETED, document=document
        )
    return report


@transaction.atomic
def period_report_reopen(*, user, report: PeriodReport, version: int | None, reason: str) -> PeriodReport:
    """Reopen a completed report for changes, with the reason in its history; the document issued at its
    completion stays in the history."""
    require(user, Action.COMPOSE_REPORT, report.period.programme.area)
    reason = reason.strip()
    if not reason:
        raise ReportRefused("Cần ghi lý do mở lại báo cáo.")
    report = PeriodReport.objects.select_for_update().get(pk=report.pk)
    if report.version != version:
        raise StaleReport(report)
    if not report.is_complete:
        raise ReportRefused("Báo cáo đang soạn, không cần mở lại.")
    report.status = PeriodReport.Status.DRAFT
    report.completed_at, report.completed_by = None, None
    report.version += 1
    report.save()
    PeriodReportEvent.objects.create(
        report=report, actor=user, action=PeriodReportEvent.Action.REOPENED, comment=reason
    )
    return report


@transaction.atomic
def signed_report_add(
    *, user, report: PeriodReport, upload, number: str, signed_on: datetime.date | None, signer: str
) -> SignedPeriodReport:
    """Keep the signed and stamped copy of the body's report with it, once the report is complete
    (``reporting.signed.keep_signed`` says what is checked)."""
    require(user, Action.COMPOSE_REPORT, report.period.programme.area)
    if not report.is_complete:
        raise ValidationError({"file": NOT_COMPLETE})
    document = SignedPeriodReport(report=report, uploaded_by=user)
    return keep_signed(
        document, upload=upload, number=number, signed_on=signed_on, signer=signer, period_start=report.period.start
    )
