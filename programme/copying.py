"""A programme copied to a new year or another area: its task groups, targets (with the unit kinds they apply to),
validation rules, periods (shifted by the years between), reminder schedule and milestones (their due dates shifted
too), and its document header.
``copy_plan`` says what would be made, for the preview; ``copy_programme`` makes it, all or nothing.

What a programme owns and is copied is ``COPIED``; what refers to it and is not (the units' reports, the kept
sums, what was sent) is ``NOT_COPIED``, each with its reason. Every model that refers to a programme, a target, a
task group or a period must be in one of them (``tests/test_programme_copy.py``), so that a new kind of
programme data is never silently left behind by a copy.
"""

import datetime
import re
from dataclasses import dataclass

from django.apps import apps
from django.db import models, transaction

from programme import tree
from programme.models import Period, PeriodKind, Programme, Target, TaskGroup, Unit, period_dates_problems

# The models copied with a programme, in the order they are made: each refers to the programme, or to a target,
# task group or period copied before it. Rows are cloned field by field, many-to-many fields included, with
# those references moved to the copies; a period's dates and names come from the plan.
COPIED = (
    "programme.TaskGroup",
    "programme.Target",
    "programme.TargetCategory",
    "programme.ValidationRule",
    "programme.Period",
    "followup.ReminderSchedule",
    "milestones.Milestone",
)
# Dates of copied rows moved by the years between the programmes, like the periods' (which the plan sets).
SHIFTED = {"milestones.Milestone": ("due",)}
NOT_COPIED = {
    "reporting.Submission": "báo cáo của đơn vị thuộc về năm của nó",
    "reporting.Narrative": "nội dung báo cáo của đơn vị",
    "reporting.Value": "số liệu của đơn vị",
    "reporting.ValuePart": "số liệu theo phần chia của đơn vị",
    "reporting.TargetTotals": "tổng lưu sẵn, tính lại từ số liệu",
    "reporting.ReportCounts": "tổng lưu sẵn, tính lại từ báo cáo",
    "reporting.PreparedDownload": "tệp đã chuẩn bị để tải về",
    "followup.Reminder": "lời nhắc đã gửi",
    "followup.Notification": "thông báo đã gửi cho người dùng",
    "milestones.MilestoneRecord": "việc đơn vị đã ghi hoàn thành thuộc về năm của nó",
    "synthesis.PeriodReport": "báo cáo tổng hợp của Ban thuộc về kỳ của nó",
    "synthesis.PeriodReportSection": "nội dung báo cáo tổng hợp của Ban",
    "programme.HistoricalTarget": "lịch sử thay đổi của chỉ tiêu gốc",
    "programme.HistoricalTarget_applies_to": "lịch sử thay đổi của chỉ tiêu gốc",
    "programme.HistoricalPeriod": "lịch sử thay đổi của kỳ báo cáo gốc",
}
OWNERS = (Programme, TaskGroup, Target, Period)
# The new programme's fields left empty: a new programme is a new document, with its own number and date.
CLEARED = ("document_number", "issued_on")


class CopyError(ValueError):
    """What stops the copy, in Vietnamese."""


@dataclass(frozen=True)
class PeriodPlan:
    source_id: int
    kind: PeriodKind
    code: str
    name: str
    short_name: str
    outlook: str
    start: datetime.date
    end: datetime.date
    due: datetime.date


@dataclass(frozen=True)
class CopyPlan:
    source: Programme
    code: str
    year: int
    title: str
    area: Unit
    periods: list[PeriodPlan]
    counts: list[tuple[str, int]]  # what is copied (its name, plural) and how many


def shifted(day: datetime.date, years: int) -> datetime.date:
    """The same day ``years`` later (29 February becomes 28 February in a year without it)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def renamed(text: str, old_year: int, new_year: int, *, also_next: bool = False) -> str:
    """The text with the programme's year written as a number ("2024", "2024Q1") replaced by the new year, and
    with ``also_next`` the year after it too ("năm 2025", the outlook of an annual report, becomes "năm 2026")."""
    years = {old_year: new_year, old_year + 1: new_year + 1} if also_next else {old_year: new_year}
    pattern = "|".join(str(year) for year in years)
    return re.sub(rf"(?<!\d)({pattern})(?!\d)", lambda match: str(years[int(match.group(1))]), text)


def _owner_field(model: type[models.Model]) -> models.ForeignKey:
    """The field by which a copied model belongs to a programme: its reference to the programme, or else to a
    target, task group or period."""
    fields = [field for field in model._meta.concrete_fields if field.is_relation and field.related_model in OWNERS]
    return min(fields, key=lambda field: OWNERS.index(field.related_model))


def _owned(model: type[models.Model], source: Programme) -> models.QuerySet:
    field = _owner_field(model)
    lookup = field.name if field.related_model is Programme else f"{field.name}__programme"
    return model._default_manager.filter(**{lookup: source}).order_by("pk")


def copy_plan(source: Programme, *, year: int, code: str = "", area: Unit | None = None) -> CopyPlan:
    """What copying ``source`` to ``year`` (and ``area``; its own when not given) would make, or ``CopyError``
    saying why it cannot. The new code is ``code``, or the source's with its year replaced."""
    if not 2000 <= year <= 2100:
        raise CopyError("Năm của chương trình mới phải từ 2000 đến 2100.")
    area = area or source.area
    if year == source.year and area.pk == source.area_id:
        raise CopyError("Chương trình mới phải khác năm hoặc khác địa bàn với chương trình gốc.")
    code = (code or renamed(source.code, source.year, year)).strip()
    if not re.fullmatch(r"[-a-zA-Z0-9_]{1,60}", code):
        raise CopyError(
            "Mã chương trình chỉ gồm chữ không dấu, chữ số, gạch ngang và gạch dưới (tối đa 60 ký tự), "
            "ví dụ phong-tho-2025."
        )
    if Programme.objects.filter(code=code).exists():
        raise CopyError(f"Đã có chương trình mã {code}: chọn mã khác.")
    years = year - source.year
    periods = [
        PeriodPlan(
            period.pk,
            period.kind,
            renamed(period.code, source.year, year),
            renamed(period.name, source.year, year),
            renamed(period.short_name, source.year, year),
            renamed(period.outlook, source.year, year, also_next=True),
            shifted(period.start, years),
            shifted(period.end, years),
            shifted(period.due, years),
        )
        for period in source.periods.order_by("end", "code")
    ]
    for period in periods:
        if problems := period_dates_problems(year, period.start, period.end, period.due):
            raise CopyError(f"Kỳ {period.code}: " + " ".join(problems.values()))
    counts = [(model._meta.verbose_name_plural, _owned(model, source).count()) for model in map(apps.get_model, COPIED)]
    return CopyPlan(source, code, year, renamed(source.title, source.year, year), area, periods, counts)


@transaction.atomic
def copy_programme(plan: CopyPlan) -> Programme:
    """Make the programme the plan describes, with everything ``COPIED``; nothing is made if any part fails."""
    source = plan.source
    if Programme.objects.filter(code=plan.code).exists():
        raise CopyError(f"Đã có chương trình mã {plan.code}: chọn mã khác.")
    programme = Programme.objects.get(pk=source.pk)
    programme.pk = None
    programme.code, programme.year, programme.title, programme.area = plan.code, plan.year, plan.title, plan.area
    for name in CLEARED:
        setattr(programme, name, Programme._meta.get_field(name).get_default())
    if programme.reviewing_unit_id and not tree.is_within(programme.reviewing_unit.path, plan.area.pk):
        programme.reviewing_unit = None  # another area's body: the new area's own reports until one is named
    programme.save()
    copies: dict[tuple[type, int], models.Model] = {(Programme, source.pk): programme}
    periods = {period.source_id: period for period in plan.periods}
    years = plan.year - source.year
    for label in COPIED:
        model = apps.get_model(label)
        for row in _owned(model, source):  # not prefetched: a prefetched manager's set() would see the source's
            many = {field.name: list(getattr(row, field.name).all()) for field in model._meta.many_to_many}
            old = row.pk
            row.pk = None
            for field in model._meta.concrete_fields:
                if field.is_relation and field.related_model in OWNERS:
                    setattr(row, field.name, copies[field.related_model, getattr(row, field.attname)])
            for name in SHIFTED.get(label, ()):
                setattr(row, name, shifted(getattr(row, name), years))
            if model is Period:
                for name, value in vars(periods[old]).items():
                    if name != "source_id":
                        setattr(row, name, value)
            row.save()
            for name, values in many.items():
                getattr(row, name).set(values)
            copies[model, old] = row
    return programme
