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
    ProgrammeArea,
    UnitInfo,
    applicable_kind_ids,
    exists_on,
    in_register_by,
    programme_areas,
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
# A page showing only an area's figures (the overview, the start page, the official report) needs sums:
# ``TargetTotals`` keeps, per (period, target, area), the sums over every unit under the area, so that such a
# page reads one row per target and period, whatever the number of units. ``direct_sums`` is the rule of what
# the units directly under one parent add; an area's row is what its own units add plus the rows of the areas
# below it (``reporting.totals`` keeps them so, in the transaction of every change that affects them), and
# ``reporting.totals.computed`` makes every row from the values for ``verify_totals``. The rules are those of
# ``compliance_report``, and a test holds the two to the same figures:
#
# - a unit is expected for a target at a period when it is of a reporting kind the target applies to, lies under
#   the area and exists on the period's end;
# - its figure counts when its report for the period is counting (approved only, on request) and complete;
# - it meets the target when ``100·numerator`` compares with ``threshold·denominator`` by the operator, exactly:
#   the threshold has two decimals, so the database compares ``10 000·numerator`` with the integer
#   ``100·threshold·denominator``;
# - for MT5a/MT5b, a unit counts the figure fixed into its report when that was approved, and every other unit
#   the register as it is now: ``units_in_register`` counts every expected unit from the register as it is now,
#   and ``numerator`` and ``live`` give what replaces that count by the fixed figures for the units that have
#   them.
#
# A unit moved out of an area takes its figures with it: the rows follow the tree as it is now.


def _meets(target: Target):
    """1 where the value meets the target, exactly, in integers (a stored threshold has two decimals)."""
    scaled = Cast(F("numerator"), BigIntegerField()) * V(10_000)
    bar = V(int(target.threshold * 100)) * Cast(F("denominator"), BigIntegerField())
    compare = GreaterThanOrEqual if target.operator == compliance.AT_LEAST else GreaterThan
    return When(Q(target_id=target.id) & Q(denominator__gt=0) & Q(compare(scaled, bar)), then=V(1))


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


TotalsKey = tuple[int, int, int, bool]  # (period id, target id, area (or parent) unit id, approved only)
TOTALS_FIELDS = (
    "numerator",
    "denominator",
    "units_reporting",
    "units_meeting",
    "units_not_applicable",
    "live",
    "units_expected",
    "units_in_register",
)
Sums = tuple[int, ...]  # TOTALS_FIELDS, in that order
NO_SUMS: Sums = (0,) * len(TOTALS_FIELDS)
EXPECTED, IN_REGISTER = TOTALS_FIELDS.index("units_expected"), TOTALS_FIELDS.index("units_in_register")


def added(a: Sums, b: Sums) -> Sums:
    """Two rows of sums (of the kept figures or counts) added field by field."""
    return tuple(x + y for x, y in zip(a, b, strict=True))


def _by_programme(periods: list[Period]) -> dict[int, list[Period]]:
    found: dict[int, list[Period]] = defaultdict(list)
    for period in periods:
        found[period.programme_id].append(period)
    return found


def _value_sums(
    periods: list[Period], parents: Iterable[int] | None, targets: list[Target], areas: dict[int, ProgrammeArea]
) -> dict[TotalsKey, Sums]:
    """What the counting figures of each parent's own units add, per (period, target, parent, approved only), of
    the units each period's programme counts (``areas``: ``programme_areas``). One query."""
    typed = [target for target in targets if target.is_typed]
    live, scope = Q(), Q()
    for programme_id, its_periods in _by_programme(periods).items():
        live |= _live_register(its_periods[0].programme, its_periods)
        scope |= Q(submission__period__in=[period.id for period in its_periods]) & areas[programme_id].counts(
            "submission__unit__"
        )
    values = (
        Value.objects.counting()
        .filter(
            scope,
            Q(target__source=Target.Source.REPORTED) | Q(submission__status=Submission.Status.APPROVED),
            target__in=targets,
            submission__unit__kind__reports=True,
            target__applies_to=F("submission__unit__kind"),
        )
        .filter(exists_on(F("submission__period__end"), "submission__unit__"))
    )
    if parents is not None:
        values = values.filter(submission__unit__parent__in=list(parents))
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
    sums: dict[TotalsKey, Sums] = {}
    for period_id, target_id, parent_id, status, *found in rows.order_by():
        for approved_only in (False, True):
            if status in Submission.counting_statuses(approved_only):
                key = period_id, target_id, parent_id, approved_only
                sums[key] = added(sums.get(key, NO_SUMS), (*found, 0, 0))
    return sums


def _unit_counts(
    periods: list[Period], parents: Iterable[int] | None, targets: list[Target], areas: dict[int, ProgrammeArea]
) -> dict[TotalsKey, Sums]:
    """How many of each parent's own units (of those each period's programme counts) are expected for each target
    at each period, and for MT5a/MT5b how many of them the register as it is now counts, per (period, target,
    parent, approved only). One query per programme, and one for the kinds the targets apply to."""
    kinds: dict[int, set[int]] = defaultdict(set)
    through = Target.applies_to.through.objects.filter(target__in=[target.id for target in targets])
    for target_id, kind_id in through.values_list("target_id", "unitkind_id"):
        kinds[target_id].add(kind_id)
    sums: dict[TotalsKey, Sums] = {}
    for programme_id, its_periods in _by_programme(periods).items():
        programme = its_periods[0].programme
        aggregates = {}
        for period in its_periods:
            exists = exists_on(period.end)
            counted = in_register_by(period.end, "models__")
            aggregates[f"units_{period.id}"] = Count("id", filter=exists, distinct=True)
            for source, condition in counted.items():
                aggregates[f"{source}_{period.id}"] = Count("id", filter=exists & condition, distinct=True)
        units = (
            Unit.objects.filter(areas[programme_id].counts(), kind__reports=True)
            .alias(models=FilteredRelation("exemplary_models", condition=Q(exemplary_models__year=programme.year)))
            .values("parent_id", "kind_id")
            .annotate(**aggregates)
        )
        if parents is not None:
            units = units.filter(parent__in=list(parents))
        its_targets = [target for target in targets if target.programme_id == programme.id]
        for row in units.order_by():
            for period in its_periods:
                for target in its_targets:
                    if row["kind_id"] not in kinds[target.id] or not row[f"units_{period.id}"]:
                        continue
                    in_register = 0 if target.is_typed else row[f"{target.source}_{period.id}"]
                    counts = [0] * len(TOTALS_FIELDS)
                    counts[EXPECTED], counts[IN_REGISTER] = row[f"units_{period.id}"], in_register
                    for approved_only in (False, True):
                        key = period.id, target.id, row["parent_id"], approved_only
                        sums[key] = added(sums.get(key, NO_SUMS), tuple(counts))
    return sums


def direct_sums(
    periods: Iterable[Period], parents: Iterable[int] | None = None, targets: Iterable[Target] | None = None
) -> dict[TotalsKey, Sums]:
    """(period id, target id, parent id, approved only) → what the units directly under each parent add to its
    sums (of those parents and targets only, when given): the counting figures of the units expected for the
    target, and how many are expected. For MT5a/MT5b, ``numerator`` sums the figures fixed into approved
    reports, ``live`` counts those of them the register as it is now counts, and ``units_in_register`` every
    expected unit it counts. Each period counts the units its programme counts (``counted_by``). Four
    queries for one programme; the periods' programmes should be read with them."""
    periods = list(periods)
    if targets is None:
        targets = Target.objects.filter(programme__in={period.programme_id for period in periods}).order_by()
    targets = list(targets)
    if not periods or not targets:
        return {}
    areas = programme_areas(period.programme_id for period in periods)
    sums = _value_sums(periods, parents, targets, areas)
    for key, counts in _unit_counts(periods, parents, targets, areas).items():
        sums[key] = added(sums.get(key, NO_SUMS), counts)
    return sums


def stored_totals(
    area_id: int, periods: list[Period], targets: list[Target], *, approved_only: bool
) -> dict[tuple[int, int], Sums]:
    """(period id, target id) → the sums ``TargetTotals`` keeps over every unit under the area. One query, whatever
    the number of units."""
    if not targets:
        return {}
    rows = TargetTotals.objects.filter(
        area=area_id, period__in=[period.id for period in periods], target__in=targets, approved_only=approved_only
    ).values_list("period_id", "target_id", *TOTALS_FIELDS)
    return {(period_id, target_id): tuple(sums) for period_id, target_id, *sums in rows.order_by()}


def district_reports(
    programme: Programme, periods: list[Period], targets: list[Target], *, approved_only: bool
) -> dict[int, ComplianceReport]:
    """period id → the area's figures of every target reported in it, without the units' own, from the kept
    rows of the programme's area. One query, whatever the number of units."""
    reported = stored_totals(programme.area_id, periods, targets, approved_only=approved_only)
    reports = {}
    for period in periods:
        report = reports[period.id] = ComplianceReport(period=period, approved_only=approved_only)
        for target in targets:
            if not target.is_reported_in(period):
                continue
            num, den, reporting, meeting, not_applicable, live, units, in_register = reported.get(
                (period.id, target.id), NO_SUMS
            )
            if target.is_typed:
                totals = compliance.Totals(num, den, reporting, meeting, not_applicable, units)
            else:
                met = in_register + num - live  # the units with a fixed figure count it instead of the register's
                totals = compliance.Totals(met, units, units, met, 0, units)
            result = compliance.result_from_totals(rule_for(target), totals, annual_period=period.is_annual)
            report.rows.append((target, result))
    return reports
