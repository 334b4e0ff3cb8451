"""The compliance figures of a period: the district's and each unit's, in a fixed number of queries."""

from collections import defaultdict
from dataclasses import dataclass, field

from programme import compliance
from programme.models import ExemplaryModel, Period, Target
from programme.selectors import UnitInfo, applicable_kind_ids, programme_targets, reporting_units
from reporting.models import Submission, Value


def rule_for(target: Target) -> compliance.Rule:
    return compliance.Rule(
        code=target.code,
        operator=target.operator,
        threshold=target.threshold,
        judged=compliance.Judged(target.judged),
    )


@dataclass(frozen=True)
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


def register_figures(period: Period, units: list[UnitInfo]) -> dict[str, dict[int, compliance.Figure]]:
    """MT5a/MT5b for every unit from the register: 1 of 1 when the unit has a registered (recognised) model
    of the programme's year by the period's end, else 0 of 1."""
    registered, recognised = set(), set()
    models = ExemplaryModel.objects.filter(year=period.programme.year, registered_on__lte=period.end)
    for unit_id, recognised_on in models.values_list("unit_id", "recognised_on"):
        registered.add(unit_id)
        if recognised_on is not None and recognised_on <= period.end:
            recognised.add(unit_id)
    by_source = {Target.Source.MODELS_REGISTERED: registered, Target.Source.MODELS_RECOGNISED: recognised}
    return {
        source: {unit.id: compliance.Figure(unit.code, int(unit.id in ids), 1) for unit in units}
        for source, ids in by_source.items()
    }


Figures = dict[tuple[int, int], compliance.Figure]  # (unit id, target id) → figure


def reported_figures(period: Period, *, approved_only: bool) -> dict[tuple[int, int], compliance.Figure]:
    """(unit id, target id) → the figure of that unit's counting submission for the period. One query."""
    statuses = [Submission.Status.APPROVED] if approved_only else list(Submission.COUNTING)
    rows = Value.objects.filter(
        submission__period=period,
        submission__status__in=statuses,
        numerator__isnull=False,
        denominator__isnull=False,
    ).values_list("submission__unit_id", "submission__unit__code", "target_id", "numerator", "denominator")
    return {(unit_id, target_id): compliance.Figure(code, num, den) for unit_id, code, target_id, num, den in rows}


def district_compliance(period: Period, *, approved_only: bool = False, by_unit: bool = False) -> ComplianceReport:
    """The district's result for every target reported in the period (and, with ``by_unit``, each unit's).

    Six queries whatever the number of units and targets: units, targets and their kinds, values, register.
    """
    programme = period.programme
    units = reporting_units(programme, on=period.end)
    targets = [t for t in programme_targets(programme) if t.is_reported_in(period)]
    figures = reported_figures(period, approved_only=approved_only)
    register = register_figures(period, units) if any(not t.is_typed for t in targets) else defaultdict(dict)
    return compliance_report(
        period,
        units=units,
        targets=targets,
        figures=figures,
        register=register,
        approved_only=approved_only,
        by_unit=by_unit,
    )


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
    for target in targets:
        if not target.is_reported_in(period):
            continue
        kinds = applicable_kind_ids(target)
        expected = [unit for unit in units if unit.kind_id in kinds]
        if target.is_typed:
            found = {unit.id: figures.get((unit.id, target.id)) for unit in expected}
        else:
            found = {unit.id: register[target.source][unit.id] for unit in expected}
        rule = rule_for(target)
        annual = period.is_annual
        result = compliance.evaluate(
            rule,
            [figure for figure in found.values() if figure is not None],
            expected_units=[unit.code for unit in expected],
            annual_period=annual,
        )
        report.rows.append((target, result))
        if by_unit:
            for unit in expected:
                figure = found[unit.id]
                if figure is None:
                    unit_result = compliance.evaluate(rule, [], expected_units=[unit.code], annual_period=annual)
                else:
                    unit_result = compliance.unit_result(rule, figure, annual_period=annual)
                report.unit_rows.append(UnitTargetResult(unit, target, unit_result, figure is not None))
    return report


def latest_period_with_data(programme) -> Period | None:
    """The latest period that has a counting submission, else the programme's first period. Two queries."""
    counted = (
        Period.objects.filter(programme=programme, submissions__status__in=Submission.COUNTING)
        .select_related("programme__area")
        .order_by("-end")
        .first()
    )
    return (
        counted or Period.objects.filter(programme=programme).select_related("programme__area").order_by("end").first()
    )
