"""The compliance figures of a period: the district's and each unit's, in a fixed number of queries."""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.db.models import BigIntegerField, Case, Count, Exists, F, FilteredRelation, OuterRef, Q, Sum, When
from django.db.models import Value as V
from django.db.models.functions import Cast
from django.db.models.lookups import GreaterThan, GreaterThanOrEqual

from programme import compliance
from programme.models import ExemplaryModel, Period, Programme, Target, Unit
from programme.selectors import (
    REGISTER_SOURCES,
    UnitInfo,
    applicable_kind_ids,
    area_parents,
    exists_on,
    in_register_by,
    programme_targets,
    reporting_units,
)
from reporting.models import Submission, TargetTotals, Value


def rule_for(target: Target) -> compliance.Rule:
    return compliance.Rule(
        code=target.code,
        operator=target.operator,
        threshold=target.threshold,
        judged=compliance.Judged(target.judged),
    )


@dataclass(slots=True)  # not frozen, like TargetResult: a download makes a hundred thousand
class UnitTargetResult:
    unit: UnitInfo
    target: Target
    result: compliance.TargetResult
    has_figure: bool


@dataclass
class ComplianceReport:
    period: Period
    approved_only: bool
    rows: list[tuple[Target, compliance.TargetResult]] = field(default_factory=list)
    unit_rows: list[UnitTargetResult] = field(default_factory=list)


Figures = dict[tuple[int, int], compliance.Figure]  # (unit id, target id) → figure


def figures_by_period(
    periods: Iterable[Period],
    *,
    approved_only: bool,
    targets: Iterable[Target] | None = None,
    unit_ids: Iterable[int] | None = None,
) -> dict[int, Figures]:
    """period id → (unit id, target id) → the figure of the unit's counting submission (of those targets and
    units only, when given). One query."""
    found: dict[int, Figures] = defaultdict(dict)
    values = Value.objects.counting(approved_only=approved_only).filter(
        submission__period__in=[period.id for period in periods]
    )
    if targets is not None:
        values = values.filter(target__in=[target.id for target in targets])
    if unit_ids is not None:
        values = values.filter(submission__unit__in=list(unit_ids))
    rows = values.values_list(
        "submission__period_id",
        "submission__unit_id",
        "submission__unit__code",
        "target_id",
        "numerator",
        "denominator",
    )
    for period_id, unit_id, code, target_id, num, den in rows:
        found[period_id][unit_id, target_id] = compliance.Figure(code, num, den)
    return found


@dataclass(frozen=True)
class Register:
    """The "Dân vận khéo" register as the reports count it: the models of the programme's year as they are
    now, and the figures fixed into the approved reports when they were approved."""

    dates: list[tuple[int, datetime.date, datetime.date | None]]  # (unit id, registered on, recognised on)
    fixed: dict[tuple[int, int, str], compliance.Figure]  # (period id, unit id, target source) → figure


NO_REGISTER = Register([], {})


def register_of(
    programme: Programme, *, periods: Iterable[Period] | None = None, unit_ids: Iterable[int] | None = None
) -> Register:
    """The register of the programme's year and the figures fixed from it into approved reports (of those
    periods and units only, when given). Two queries."""
    models = ExemplaryModel.objects.filter(year=programme.year)
    fixed = Value.objects.counting(approved_only=True).filter(
        target__programme=programme, target__source__in=REGISTER_SOURCES
    )
    if periods is not None:
        fixed = fixed.filter(submission__period__in=[period.id for period in periods])
    if unit_ids is not None:
        unit_ids = list(unit_ids)
        models = models.filter(unit__in=unit_ids)
        fixed = fixed.filter(submission__unit__in=unit_ids)
    rows = fixed.values_list(
        "submission__period_id",
        "submission__unit_id",
        "submission__unit__code",
        "target__source",
        "numerator",
        "denominator",
    )
    return Register(
        dates=list(models.values_list("unit_id", "registered_on", "recognised_on")),
        fixed={
            (period_id, unit_id, source): compliance.Figure(code, num, den)
            for period_id, unit_id, code, source, num, den in rows
        },
    )


def register_figures_at(
    period: Period, units: list[UnitInfo], register: Register
) -> dict[str, dict[int, compliance.Figure]]:
    """MT5a/MT5b of each unit at the period: the figure fixed into the unit's report when it was approved;
    without one, from the register as it is now, 1 of 1 when the unit has a model of the year registered
    (recognised) by the period's end, else 0 of 1. Every read of the register's figures comes here (and the
    database's sums in ``district_reports`` follow the same rule)."""
    dates = register.dates
    registered = {unit_id for unit_id, on, _ in dates if on <= period.end}
    recognised = {unit_id for unit_id, on, rec in dates if on <= period.end and rec is not None and rec <= period.end}
    by_source = {Target.Source.MODELS_REGISTERED: registered, Target.Source.MODELS_RECOGNISED: recognised}
    return {
        source: {
            unit.id: register.fixed.get((period.id, unit.id, source))
            or compliance.Figure(unit.code, int(unit.id in ids), 1)
            for unit in units
        }
        for source, ids in by_source.items()
    }


def district_compliance(period: Period, *, approved_only: bool = False, by_unit: bool = False) -> ComplianceReport:
    """The district's result for every target reported in the period (and, with ``by_unit``, each unit's).

    Without ``by_unit`` the database sums the figures (``district_reports``); with it, every unit's figure is
    read and judged. Six queries at most, whatever the number of units and targets.
    """
    programme = period.programme
    if not by_unit:
        return district_reports(programme, [period], programme_targets(programme), approved_only=approved_only)[
            period.id
        ]
    report = ComplianceReport(period=period, approved_only=approved_only)
    _judge(report, unit_figures(period, approved_only=approved_only), by_unit=True)
    return report


UnitFigures = Iterator[tuple[Target, list[tuple[UnitInfo, compliance.Figure | None]]]]


def unit_figures(period: Period, *, approved_only: bool = False) -> UnitFigures:
    """Each target reported in the period, in order, with its expected units in order and the figure each one
    counts (None when it has not reported): what ``district_compliance`` judges ``by_unit``. Read now, in six
    queries at most (units, targets 2, values, the register 2 when a target comes from it); paired as it is
    consumed, so that a download of every unit makes no list of results."""
    programme = period.programme
    units = reporting_units(programme, on=period.end)
    targets = [t for t in programme_targets(programme) if t.is_reported_in(period)]
    figures = figures_by_period([period], approved_only=approved_only).get(period.id, {})
    register = (
        register_figures_at(period, units, register_of(programme, periods=[period]))
        if any(not t.is_typed for t in targets)
        else defaultdict(dict)
    )
    return _paired(period, units=units, targets=targets, figures=figures, register=register)


def _paired(
    period: Period,
    *,
    units: list[UnitInfo],
    targets: list[Target],
    figures: Figures,
    register: dict[str, dict[int, compliance.Figure]],
) -> UnitFigures:
    """Which units are expected for each target, and the figure of each: its counting value, or for MT5a/b
    the register's."""
    for target in targets:
        if not target.is_reported_in(period):
            continue
        kinds = applicable_kind_ids(target)
        if target.is_typed:
            found = [(unit, figures.get((unit.id, target.id))) for unit in units if unit.kind_id in kinds]
        else:
            source = register[target.source]
            found = [(unit, source[unit.id]) for unit in units if unit.kind_id in kinds]
        yield target, found


def compliance_report(
    period: Period,
    *,
    units: list[UnitInfo],
    targets: list[Target],
    figures: Figures,
    register: dict[str, dict[int, compliance.Figure]],
    approved_only: bool,
    by_unit: bool,
) -> ComplianceReport:
    """The period's report from figures already read (pages that show several periods read them once)."""
    report = ComplianceReport(period=period, approved_only=approved_only)
    paired = _paired(period, units=units, targets=targets, figures=figures, register=register)
    _judge(report, paired, by_unit=by_unit)
    return report


def _judge(report: ComplianceReport, paired: UnitFigures, *, by_unit: bool) -> None:
    annual = report.period.is_annual
    for target, found in paired:
        rule = rule_for(target)
        result = compliance.evaluate(
            rule,
            [figure for _, figure in found if figure is not None],
            expected_units=[unit.code for unit, _ in found],
            annual_period=annual,
        )
        report.rows.append((target, result))
        if by_unit:
            missing = compliance.evaluate(rule, [], expected_units=["—"], annual_period=annual)
            report.unit_rows += [
                UnitTargetResult(unit, target, missing, False)
                if figure is None
                else UnitTargetResult(unit, target, compliance.unit_result(rule, figure, annual_period=annual), True)
                for unit, figure in found
            ]


def latest_period_with_data(programme) -> Period | None:
    """The latest period that has a counting submission, else the programme's first period. One query."""
    counting = Submission.objects.filter(period=OuterRef("pk"), status__in=Submission.COUNTING)
    periods = Period.objects.filter(programme=programme).select_related("programme__area")
    latest_with_data = Case(When(has_data=True, then=F("end"))).desc(nulls_last=True)
    return periods.annotate(has_data=Exists(counting)).order_by(latest_with_data, "end").first()


# The district's figures summed by the database -------------------------------------------------------------
#
# ``compliance_report`` reads every unit's figure and judges it in Python, which a page showing units needs.
# A page showing only the district's figures (the overview, the start page, the official report) needs sums:
# ``compute_totals`` has the database sum the values into a few rows per parent unit, which ``TargetTotals`` keeps
# (``reporting.totals`` refreshes them in the transaction of every change that affects them, and
# ``verify_totals`` checks them), so that a page reads those rows and nothing per unit or per value. The rules
# are those of ``compliance_report``, and a test holds the two to the same figures:
#
# - a unit is expected for a target at a period when it is of a reporting kind the target applies to, lies under
#   the programme's area and exists on the period's end;
# - its figure counts when its report for the period is counting (approved only, on request) and complete;
# - it meets the target when ``100·numerator`` compares with ``threshold·denominator`` by the operator, exactly:
#   the threshold has two decimals, so the database compares ``10 000·numerator`` with the integer
#   ``100·threshold·denominator``;
# - for MT5a/MT5b, a unit counts the figure fixed into its report when that was approved, and every other unit
#   the register as it is now: ``expected_units`` counts every unit from the register as it is now, and
#   ``compute_totals`` gives what replaces that count by the fixed figures for the units that have them.
#
# Rows are grouped by parent unit, and the parents are kept in Python when they lie under the area, so the
# tree may have any depth and a unit moved out of the area leaves its figures behind.

ByParent = dict[int | None, int]  # parent unit id → a count


def expected_units(programme: Programme, periods: list[Period]) -> dict[tuple[int, str, int], ByParent]:
    """(period id, "units" / "registered" / "recognised", kind id) → parent id → how many reporting units
    exist on the period's end, and how many of them have a model of the programme's year registered
    (recognised) by then. One query for all the periods."""
    aggregates = {}
    for period in periods:
        exists = exists_on(period.end)
        counted = in_register_by(period.end, "models__")
        registered, recognised = counted[Target.Source.MODELS_REGISTERED], counted[Target.Source.MODELS_RECOGNISED]
        aggregates[f"units_{period.id}"] = Count("id", filter=exists, distinct=True)
        aggregates[f"registered_{period.id}"] = Count("id", filter=exists & registered, distinct=True)
        aggregates[f"recognised_{period.id}"] = Count("id", filter=exists & recognised, distinct=True)
    counts: dict[tuple[int, str, int], ByParent] = defaultdict(dict)
    rows = (
        Unit.objects.filter(kind__reports=True)
        .alias(models=FilteredRelation("exemplary_models", condition=Q(exemplary_models__year=programme.year)))
        .values("kind_id", "parent_id")
        .annotate(**aggregates)
    )
    for row in rows:
        for period in periods:
            for name in ("units", "registered", "recognised"):
                counts[period.id, name, row["kind_id"]][row["parent_id"]] = row[f"{name}_{period.id}"]
    return counts


def _meets(target: Target):
    """1 where the value meets the target, exactly, in integers (a stored threshold has two decimals)."""
    scaled = Cast(F("numerator"), BigIntegerField()) * V(10_000)
    bar = V(int(target.threshold * 100)) * Cast(F("denominator"), BigIntegerField())
    compare = GreaterThanOrEqual if target.operator == compliance.AT_LEAST else GreaterThan
    return When(Q(target_id=target.id) & Q(denominator__gt=0) & Q(compare(scaled, bar)), then=V(1))


@dataclass(frozen=True)
class FixedTotals:
    """The register's figures fixed into the approved reports of some units: how many of those units they
    count as meeting the target, and how many of them the register as it is now counts."""

    fixed: int
    live: int


def _live_register(programme: Programme, periods: list[Period]) -> Q:
    """The values (rows of the query) of MT5a/MT5b whose unit the register as it is now counts as meeting the
    target at the value's period. The register is read by subqueries the database runs once each."""
    models = ExemplaryModel.objects.filter(year=programme.year)
    live = Q()
    for period in periods:
        counted = in_register_by(period.end)
        registered = models.filter(counted[Target.Source.MODELS_REGISTERED])
        recognised = models.filter(counted[Target.Source.MODELS_RECOGNISED])
        live |= Q(submission__period=period.id) & (
            Q(target__source=Target.Source.MODELS_REGISTERED, submission__unit__in=registered.values("unit_id"))
            | Q(target__source=Target.Source.MODELS_RECOGNISED, submission__unit__in=recognised.values("unit_id"))
        )
    return live


TotalsKey = tuple[int, int, int | None, bool]  # (period id, target id, parent unit id, approved only)
TOTALS_FIELDS = ("numerator", "denominator", "units_reporting", "units_meeting", "units_not_applicable", "live")
Sums = tuple[int, int, int, int, int, int]  # TOTALS_FIELDS, in that order


def parents_filter(parents: Iterable[int | None], prefix: str = "") -> Q:
    ids = set(parents)
    found = Q(**{f"{prefix}parent__in": [i for i in ids if i is not None]})
    return found | Q(**{f"{prefix}parent__isnull": True}) if None in ids else found


def compute_totals(
    periods: Iterable[Period], parents: Iterable[int | None] | None = None, targets: Iterable[Target] | None = None
) -> dict[TotalsKey, Sums]:
    """(period id, target id, parent id, approved only) → the sums of the counting figures of the units expected
    for the target, grouped by their parent (of those parents and targets only, when given): what
    ``TargetTotals`` keeps, and what ``verify_totals`` checks it against. For MT5a/MT5b, ``numerator`` sums the
    figures fixed into approved reports and ``live`` counts those of them the register as it is now counts
    (``expected_units`` counts every unit from the register as it is now; these turn that count into the fixed
    figures for the units whose report has them). One query for all the periods (and one for the targets'
    rules when not given); the periods' programmes should be read with them."""
    periods = list(periods)
    if not periods:
        return {}
    if targets is None:
        targets = Target.objects.filter(programme__in={period.programme_id for period in periods}).order_by()
    targets = list(targets)
    if not targets:
        return {}
    typed = [target for target in targets if target.is_typed]
    by_programme: dict[int, list[Period]] = defaultdict(list)
    for period in periods:
        by_programme[period.programme_id].append(period)
    live = Q()
    for its_periods in by_programme.values():
        live |= _live_register(its_periods[0].programme, its_periods)
    values = (
        Value.objects.counting()
        .filter(
            Q(target__source=Target.Source.REPORTED) | Q(submission__status=Submission.Status.APPROVED),
            submission__period__in=[period.id for period in periods],
            target__in=targets,
            submission__unit__kind__reports=True,
            target__applies_to=F("submission__unit__kind"),
        )
        .filter(exists_on(F("submission__period__end"), "submission__unit__"))
    )
    if parents is not None:
        values = values.filter(parents_filter(parents, "submission__unit__"))
    rows = values.values_list(
        "submission__period_id", "target_id", "submission__unit__parent_id", "submission__status"
    ).annotate(
        numerator_sum=Sum("numerator"),
        denominator_sum=Sum("denominator"),
        reporting=Count("id", filter=Q(denominator__gt=0)),
        meeting=Sum(Case(*[_meets(target) for target in typed], default=V(0))),
        not_applicable=Count("id", filter=Q(denominator=0)),
        live=Count("id", filter=live),
    )
    totals: dict[TotalsKey, Sums] = {}
    for period_id, target_id, parent_id, status, *sums in rows.order_by():
        for approved_only in (False, True):
            if status in Submission.counting_statuses(approved_only):
                key = period_id, target_id, parent_id, approved_only
                before = totals.get(key, (0,) * len(TOTALS_FIELDS))
                totals[key] = tuple(a + b for a, b in zip(before, sums, strict=True))
    return totals


def stored_totals(
    periods: list[Period], targets: list[Target], *, approved_only: bool
) -> dict[tuple[int, int], dict[int | None, compliance.Totals | FixedTotals]]:
    """(period id, target id) → parent id → the sums ``TargetTotals`` keeps of the counting figures of the units
    expected for the target; for MT5a/MT5b, the ``FixedTotals`` of the figures fixed into approved reports. One
    query for all the periods, whatever the number of values."""
    if not targets:
        return {}
    typed_ids = {target.id for target in targets if target.is_typed}
    rows = TargetTotals.objects.filter(
        period__in=[period.id for period in periods], target__in=targets, approved_only=approved_only
    ).values_list("period_id", "target_id", "parent_id", *TOTALS_FIELDS)
    totals: dict[tuple[int, int], dict[int | None, compliance.Totals | FixedTotals]] = defaultdict(dict)
    for period_id, target_id, parent_id, num, den, reporting, meeting, not_applicable, live in rows.order_by():
        totals[period_id, target_id][parent_id] = (
            compliance.Totals(
                numerator=num,
                denominator=den,
                units_reporting=reporting,
                units_meeting=meeting,
                units_not_applicable=not_applicable,
            )
            if target_id in typed_ids
            else FixedTotals(fixed=num, live=live)
        )
    return totals


@dataclass(frozen=True)
class Census:
    """Who is expected to report each period: the area's parent units and ``expected_units``' counts."""

    inside: set[int]
    expected: dict[tuple[int, str, int], ByParent]

    def units(self, period: Period, kinds: set[int] | None = None, name: str = "units") -> int:
        """How many units (of those kinds; of any, without) under the area ``expected_units`` counted as
        ``name`` at the period."""
        groups = [
            counts
            for (period_id, counted_as, kind), counts in self.expected.items()
            if period_id == period.id and counted_as == name and (kinds is None or kind in kinds)
        ]
        return sum(n for counts in groups for parent, n in counts.items() if parent in self.inside)


def census(programme: Programme, periods: list[Period]) -> Census:
    """Two queries."""
    return Census(area_parents(programme), expected_units(programme, periods))


def district_reports(
    programme: Programme,
    periods: list[Period],
    targets: list[Target],
    *,
    approved_only: bool,
    counted: Census | None = None,
) -> dict[int, ComplianceReport]:
    """period id → the district's figures of every target reported in it, without the units' own. Queries:
    the census unless given (2), the stored totals (1)."""
    counted = counted or census(programme, periods)
    inside = counted.inside
    reported = stored_totals(periods, targets, approved_only=approved_only)
    register_counts = {Target.Source.MODELS_REGISTERED: "registered", Target.Source.MODELS_RECOGNISED: "recognised"}
    reports = {}
    for period in periods:
        report = reports[period.id] = ComplianceReport(period=period, approved_only=approved_only)
        for target in targets:
            if not target.is_reported_in(period):
                continue
            kinds = applicable_kind_ids(target)
            units = counted.units(period, kinds)
            if target.is_typed:
                by_parent = reported.get((period.id, target.id), {})
                found = [totals for parent, totals in by_parent.items() if parent in inside]
                totals = compliance.Totals(
                    numerator=sum(t.numerator for t in found),
                    denominator=sum(t.denominator for t in found),
                    units_reporting=sum(t.units_reporting for t in found),
                    units_meeting=sum(t.units_meeting for t in found),
                    units_not_applicable=sum(t.units_not_applicable for t in found),
                    units_expected=units,
                )
            else:
                found = [t for parent, t in reported.get((period.id, target.id), {}).items() if parent in inside]
                met = counted.units(period, kinds, register_counts[target.source])
                met += sum(t.fixed - t.live for t in found)  # these units count their fixed figure instead
                totals = compliance.Totals(met, units, units, met, 0, units)
            result = compliance.result_from_totals(rule_for(target), totals, annual_period=period.is_annual)
            report.rows.append((target, result))
    return reports
