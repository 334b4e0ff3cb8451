"""A unit's reports as its officer and the district see them: the periods, one report's sheet, its history."""

import datetime
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Q
from django.utils import timezone

from programme import compliance
from programme.models import Period, Target, TargetCategory
from programme.rules import report_coverage
from programme.selectors import unit_info, validation_rules
from programme.validation import Rule, Violation, violations
from reporting.breakdowns import categories_by_target
from reporting.models import CLOSING_TEXTS, Submission, SubmissionEvent, Value, ValuePart
from reporting.selectors.compliance import register_figures_at, register_of, rule_for

HISTORY_PER_PAGE = 30


@dataclass(frozen=True)
class PeriodStatus:
    """A period as the unit's officer sees it: its report's status and how the due date stands."""

    period: Period
    submission: Submission | None
    today: datetime.date
    closed: bool = False  # the unit has ended: what it did not file, it never will

    @property
    def status_label(self) -> str:
        return self.submission.get_status_display() if self.submission else "Chưa nộp"

    @property
    def status_code(self) -> str:
        return self.submission.status if self.submission else "missing"

    @property
    def is_open(self) -> bool:
        """Still waiting for the unit: not yet submitted, a draft, or returned."""
        return self.submission is None or self.submission.status in (
            Submission.Status.DRAFT,
            Submission.Status.RETURNED,
        )

    @property
    def days_left(self) -> int:
        return (self.period.due - self.today).days

    @property
    def timing(self) -> str:
        """How the due date stands: "Còn 5 ngày", "Quá hạn 3 ngày", or whether the report came on time."""
        if not self.is_open:
            return "Nộp muộn" if self.submission.is_late else "Nộp đúng hạn"
        if self.closed:
            return "Không nộp (đơn vị đã thôi hoạt động)"
        if self.days_left > 0:
            return f"Còn {self.days_left} ngày"
        if self.days_left == 0:
            return "Hạn nộp hôm nay"
        return f"Quá hạn {-self.days_left} ngày"


def unit_periods(unit, programme) -> list[PeriodStatus]:
    """The programme's periods with the unit's submission for each, if any. Two queries."""
    periods = list(programme.periods.order_by("end"))
    submissions = {s.period_id: s for s in Submission.objects.filter(unit=unit, period__in=periods)}
    today = timezone.localdate()
    closed = unit.closed_by(today)
    return [PeriodStatus(period, submissions.get(period.id), today, closed) for period in periods]


@dataclass(frozen=True)
class PartRow:
    """One category of a target with categories, as saved in the report."""

    category: TargetCategory
    numerator: int | None
    denominator: int | None


@dataclass(frozen=True)
class SheetRow:
    """One target of a unit's report: what is saved now, what the previous period said, and the result; for a
    target with categories, its parts (the figures are their sums)."""

    target: Target
    numerator: int | None
    denominator: int | None
    note: str
    previous: compliance.Figure | None
    result: compliance.TargetResult | None  # None while the figure is incomplete
    previous_result: compliance.TargetResult | None
    parts: tuple[PartRow, ...] = ()


@dataclass(frozen=True)
class NarrativeSection:
    title: str
    text: str


@dataclass
class ReportSheet:
    unit: object
    period: Period
    submission: Submission | None
    previous_period: Period | None
    rows: list[SheetRow]
    task_groups: list  # shown: those of the unit's kind and any other it already holds a text for
    narratives: dict[int, str]  # task group id → text
    rules: list[Rule] = field(default_factory=list)  # the validation rules over this report's typed targets
    asked_groups: list = field(default_factory=list)  # the task groups a submitted report must carry

    @property
    def typed_targets(self) -> list[Target]:
        return [row.target for row in self.rows if row.target.is_typed]

    @property
    def has_parts(self) -> bool:
        return any(row.parts for row in self.rows)

    @property
    def typed_rows(self) -> list[SheetRow]:
        return [row for row in self.rows if row.target.is_typed]

    @property
    def warning_rules(self) -> list[Rule]:
        return [rule for rule in self.rules if not rule.is_error]

    @property
    def figures(self) -> dict[str, tuple[int | None, int | None]]:
        """The saved typed figures as the validation rules read them."""
        return {row.target.code: (row.numerator, row.denominator) for row in self.rows if row.target.is_typed}

    def violations(self) -> list[Violation]:
        """The rules the saved figures break."""
        return violations(self.rules, self.figures)

    @property
    def explanations(self) -> dict[str, str]:
        return self.submission.explanations if self.submission is not None else {}

    @property
    def targets(self) -> list[Target]:
        return [row.target for row in self.rows]

    @property
    def narrative(self) -> list[NarrativeSection]:
        """The narrative in the programme's order: each task group, then shortcomings, next steps, proposals."""
        sections = [
            NarrativeSection(f"{group.number}. {group.title}", self.narratives.get(group.id, ""))
            for group in self.task_groups
        ]
        if self.submission is not None:
            sections += [
                NarrativeSection(label, getattr(self.submission, name))
                for name, label in Submission.closing_texts().items()
            ]
        return sections


def _figure_result(target: Target, unit_code: str, num, den, period: Period) -> compliance.TargetResult | None:
    if num is None or den is None:
        return None
    return compliance.unit_result(
        rule_for(target), compliance.Figure(unit_code, num, den), annual_period=period.is_annual
    )


def report_sheet(unit, period: Period) -> ReportSheet:
    """Everything a unit's report for a period shows, read in a fixed number of queries (about ten).

    The targets and task groups are those the report covers (``programme.rules``); register-derived
    ones (MT5a, MT5b) carry the register's figure; ``previous`` is the unit's figure in the period before
    (from its report if that was submitted or approved).
    """
    programme = period.programme
    submission = (
        Submission.objects.filter(unit=unit, period=period)
        .select_related("unit", "submitted_by", "reviewed_by")
        .first()
    )
    saved = {v.target_id: v for v in submission.values.all()} if submission else {}
    narratives = {n.task_group_id: n.text for n in submission.narratives.all()} if submission else {}
    covered = report_coverage(unit, period, written=[group for group, text in narratives.items() if text])
    targets = covered.targets
    categories = categories_by_target(t for t in targets if t.is_typed)
    saved_parts = {}
    if submission and categories:
        saved_parts = {
            p.category_id: p
            for p in ValuePart.objects.filter(value__submission=submission, category__target__in=categories)
        }
    previous_period = Period.objects.filter(programme=programme, end__lt=period.end).order_by("-end").first()
    previous = {}
    if previous_period is not None:
        previous = {
            target_id: compliance.Figure(unit.code, num, den)
            for target_id, num, den in Value.objects.filter(
                submission__unit=unit,
                submission__period=previous_period,
                submission__status__in=Submission.COUNTING,
                numerator__isnull=False,
                denominator__isnull=False,
            ).values_list("target_id", "numerator", "denominator")
        }
    register = {}
    if any(not t.is_typed for t in targets):
        info = unit_info(unit)
        periods = [period] if previous_period is None else [period, previous_period]
        found = register_of(programme, periods=periods, unit_ids=[unit.id])
        register = register_figures_at(period, [info], found)
        if previous_period is not None:
            for source, figures in register_figures_at(previous_period, [info], found).items():
                for t in targets:
                    if t.source == source:
                        previous[t.id] = figures[unit.id]
    rows = []
    for target in targets:
        if target.is_typed:
            value = saved.get(target.id)
            num, den, note = (value.numerator, value.denominator, value.note) if value else (None, None, "")
        else:
            figure = register[target.source][unit.id]
            num, den, note = figure.numerator, figure.denominator, ""
        before = previous.get(target.id)
        parts = tuple(
            PartRow(c, saved_parts[c.id].numerator, saved_parts[c.id].denominator)
            if c.id in saved_parts
            else PartRow(c, None, None)
            for c in categories.get(target.id, ())
        )
        rows.append(
            SheetRow(
                target=target,
                numerator=num,
                denominator=den,
                note=note,
                previous=before,
                result=_figure_result(target, unit.code, num, den, period),
                previous_result=_figure_result(target, unit.code, before.numerator, before.denominator, previous_period)
                if before
                else None,
                parts=parts,
            )
        )
    typed = {target.code for target in targets if target.is_typed}
    return ReportSheet(
        unit=unit,
        period=period,
        submission=submission,
        previous_period=previous_period,
        rows=rows,
        task_groups=covered.task_groups,
        asked_groups=covered.asked,
        narratives=narratives,
        rules=[rule for rule in validation_rules(programme) if rule.targets <= typed],
    )


LATEST_STEPS = 10  # the steps of its history a report's page shows; the history page has them all


@dataclass(frozen=True)
class History:
    """The latest steps of a report's history, oldest first, and whether earlier ones were left out."""

    submission: Submission | None
    events: list
    has_earlier: bool = False

    def __iter__(self):
        return iter(self.events)

    def __len__(self):
        return len(self.events)


def report_history_events(submission: Submission | None, latest: int = LATEST_STEPS) -> History:
    """The submission's latest steps, with who did each, so that a page stays small however long its history.
    One query."""
    if submission is None:
        return History(None, [])
    newest = list(submission.events.select_related("actor").order_by("-at", "-pk")[: latest + 1])
    return History(submission, newest[:latest][::-1], has_earlier=len(newest) > latest)


def report_history_page(submission: Submission, number) -> Page:
    """One page of the submission's whole history, oldest first. Two queries."""
    events = submission.events.select_related("actor").order_by("at", "pk")
    return Paginator(events, HISTORY_PER_PAGE).get_page(number)


@dataclass(frozen=True)
class TextChange:
    label: str
    before: str
    after: str


def history_text_changes(event: SubmissionEvent) -> list[TextChange]:
    """The texts an event changed, each before and after. The history keeps a text as it was before each
    change; after it, the text is what the next change of that text started from, or the report's own now.
    Three queries."""
    submission = event.submission
    later = SubmissionEvent.objects.filter(
        Q(at__gt=event.at) | Q(at=event.at, pk__gt=event.pk), submission=submission
    ).order_by("at", "pk")
    following = {}
    for later_event in later.only("changes"):
        for change in later_event.changes:
            if "text" in change:
                following.setdefault(change["text"], change["old"])
    current = {f"group_{n.task_group.number}": n.text for n in submission.narratives.select_related("task_group")}
    current |= {name: getattr(submission, name) for name in CLOSING_TEXTS}
    current |= {f"explanation_{code}": text for code, text in submission.explanations.items()}
    texts = []
    for change in event.changes:
        if change.get("target"):
            continue  # a figure: the history page shows it in full
        if "text" not in change:  # recorded before texts were summed up: both texts are in the record
            texts.append(TextChange(change["field"], change["old"], change["new"]))
            continue
        after = following.get(change["text"], current.get(change["text"], ""))
        texts.append(TextChange(change["field"], change["old"], after))
    return texts
