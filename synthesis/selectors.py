"""What the body's report page and its document read: the report as saved, the units' texts beside each task
group, the figures, the completeness and the register of "Dân vận khéo" models, in a fixed number of queries."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q

from programme.documents import Letterhead, programme_letterhead
from programme.formatting import vn_number
from programme.models import ExemplaryModel, Period, Target, TaskGroup
from programme.selectors import area_path, counted_by, exists_on, programme_task_groups
from reporting.official_report import addressee, period_phrase, report_subject, result_text, threshold_text
from reporting.selectors.official_report import OfficialReport, official_report
from synthesis.figures import Figures, Reference, period_figures
from synthesis.models import CLOSING_TEXTS, OPENING_TEXTS, PeriodReport, PeriodReportEvent

NAMED_MODELS = 3  # models named in the register's summary
LATEST_EVENTS = 10


def report_date(report: PeriodReport | None, period: Period) -> datetime.date:
    """The date the report carries: its own, else the period's due date, never today for a past period."""
    return report.issued_on if report is not None and report.issued_on else period.due


def subject(period: Period) -> str:
    """The report's subject: the results of the period, then what comes next where the period says it
    ("…; phương hướng, nhiệm vụ 6 tháng cuối năm 2024")."""
    outlook = period.outlook.strip()
    return f"{report_subject(period)}; phương hướng, nhiệm vụ {outlook}" if outlook else report_subject(period)


def default_opening(period: Period) -> str:
    """ "Thực hiện Chương trình số 05-CTr/HU, ngày 15/01/2024 của Ban Thường vụ Huyện ủy …, Ban Dân vận Huyện ủy
    báo cáo kết quả … như sau:" from the programme's stored number, date and issuing body."""
    programme = period.programme
    cited = "Thực hiện " + programme.title.strip()
    if programme.document_number:
        cited = f"Thực hiện Chương trình số {programme.document_number}"
    if programme.issued_on:
        cited += f", ngày {programme.issued_on:%d/%m/%Y}"
    if programme.issuing_body:
        cited += f" của {programme.issuing_body.strip()}"
    if programme.document_number:
        cited += f" về {programme.title.strip()[:1].lower()}{programme.title.strip()[1:]}"
    body = addressee(programme) or "Ban"
    return f"{cited}, {body} báo cáo kết quả thực hiện {period_phrase(period)} như sau:"


@dataclass(frozen=True)
class RegisterSummary:
    day: datetime.date
    registered: int
    recognised: int
    by_field: list[tuple[str, int, int]]  # (field, registered, recognised)
    by_level: list[tuple[str, int]]  # (level, recognised)
    named: list[tuple[str, str, str]]  # (model, unit, level) of a few recognised

    @property
    def text(self) -> str:
        """The summary as the report says it."""
        if not self.registered:
            return f"Đến ngày {self.day:%d/%m/%Y}, chưa có mô hình “Dân vận khéo” nào được đăng ký."
        text = (
            f"Đến ngày {self.day:%d/%m/%Y}, toàn địa bàn có {vn_number(self.registered)} mô hình “Dân vận khéo” "
            f"đăng ký xây dựng, {vn_number(self.recognised)} mô hình được công nhận điển hình"
        )
        if self.by_level:
            text += " (" + ", ".join(f"{name.lower()}: {vn_number(n)}" for name, n in self.by_level) + ")"
        fields = "; ".join(
            f"{name.lower()} {vn_number(registered)}" + (f" ({vn_number(recognised)} điển hình)" if recognised else "")
            for name, registered, recognised in self.by_field
        )
        text += f". Theo lĩnh vực: {fields}."
        if self.named:
            text += " Tiêu biểu: " + "; ".join(f"mô hình “{model}” ({unit})" for model, unit, _ in self.named) + "."
        return text


def register_summary(period: Period) -> RegisterSummary:
    """The register of the programme's year in the area as it stands at the period's end. Three queries."""
    programme, day = period.programme, period.end
    models = ExemplaryModel.objects.filter(
        counted_by(area_path(programme), "unit__"),
        exists_on(day, "unit__"),
        year=programme.year,
        registered_on__lte=day,
    )
    recognised = Q(recognised_on__lte=day)
    by_field = list(
        models.values_list("field__name")
        .annotate(n=Count("id"), m=Count("id", filter=recognised))
        .order_by("field__order", "field__name")
    )
    by_level = list(
        models.filter(recognised)
        .values_list("recognition_level__name")
        .annotate(n=Count("id"))
        .order_by("recognition_level__order")
    )
    named = list(
        models.filter(recognised)
        .order_by("-recognition_level__order", "recognised_on", "id")
        .values_list("name", "unit__name", "recognition_level__name")[:NAMED_MODELS]
    )
    return RegisterSummary(
        day=day,
        registered=sum(n for _, n, _ in by_field),
        recognised=sum(m for _, _, m in by_field),
        by_field=by_field,
        by_level=by_level,
        named=named,
    )


@dataclass
class Workspace:
    period: Period
    report: PeriodReport | None
    groups: list[TaskGroup]
    sections: dict[int, str]  # task group id → the body's text
    data: OfficialReport
    register: RegisterSummary
    figures: Figures
    subject: str
    opening: str  # the report's, or the one made from the programme when it has none yet
    letterhead: Letterhead  # the reviewing body's, as its own documents are headed and signed
    events: list[PeriodReportEvent] = field(default_factory=list)

    @property
    def texts(self) -> dict[str, str]:
        """The body's own texts by name, as saved (the opening made from the programme when none is)."""
        texts = {name: getattr(self.report, name) if self.report else "" for name in OPENING_TEXTS + CLOSING_TEXTS}
        texts["opening"] = self.opening
        return texts

    @property
    def passages(self) -> dict[int, list]:
        """task group id → the units' texts on it."""
        return {group.id: passages for group, passages in self.data.groups}

    @property
    def table(self) -> list[tuple[Target, str, str, str]]:
        """The targets table as the document prints it: (target, requirement, result, verdict)."""
        verdicts = self.data.verdicts
        return [
            (target, threshold_text(target), result_text(result), verdicts[target.id].text)
            for target, result in self.data.compliance.rows
        ]

    @property
    def reported_text(self) -> str:
        """ "47/50 đơn vị": what ``{{đã báo cáo}}`` writes."""
        return self.figures.written(Reference())

    @property
    def rendered(self) -> list[tuple[str, str]]:
        """(heading, the body's text with its figures written out) in the report's order, for reading."""
        labels, texts, render = PeriodReport.labels(), self.texts, self.figures.render
        shown = [(labels["opening"], render(texts["opening"])), ("I. " + labels["people"], render(texts["people"]))]
        shown += [(f"II.{g.number}. {g.title}", render(self.sections.get(g.id, ""))) for g in self.groups]
        shown += [(labels[name], render(texts[name])) for name in CLOSING_TEXTS]
        return shown

    @property
    def kinds(self) -> list[str]:
        return sorted({passage.kind for _, passages in self.data.groups for passage in passages if passage.kind})


def workspace(period: Period, *, events: int = LATEST_EVENTS) -> Workspace:
    """The body's report for the period as saved, its ``events`` latest steps (none for 0: the document has no
    history), and everything its page and document show beside it. A fixed number of queries whatever the number
    of units (about thirty)."""
    report = PeriodReport.objects.filter(period=period).first()
    sections = dict(report.sections.values_list("task_group_id", "text")) if report else {}
    approved_only = report.approved_only if report else False
    data = official_report(period, approved_only=approved_only, on=report_date(report, period))
    opening = report.opening if report and (report.opening or report.version > 1) else default_opening(period)
    texts = [opening, *(getattr(report, name) for name in OPENING_TEXTS + CLOSING_TEXTS)] if report else [opening]
    done = data.completeness
    figures = period_figures(
        period,
        [*texts, *sections.values()],
        compliance_rows=data.compliance.rows,
        reported=done.reported,
        expected=done.expected,
        approved_only=approved_only,
    )
    history = []
    if report is not None and events:
        steps = report.events.select_related("actor").defer("document").order_by("-at", "-pk")
        history = list(steps[:events])
    return Workspace(
        period=period,
        report=report,
        groups=programme_task_groups(period.programme),
        sections=sections,
        data=data,
        register=register_summary(period),
        figures=figures,
        subject=subject(period),
        opening=opening,
        letterhead=programme_letterhead(period.programme),
        events=history,
    )
