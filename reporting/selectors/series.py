"""The compliance figures of every period of a programme at once, for trends over the year.

``district_compliance`` answers for one period; a trend needs them all. Here the values of all the
programme's periods are read in one query and the register once, then each period is computed exactly as
``district_compliance`` computes it (a test holds the two to the same figures).
"""

import math
from collections import defaultdict
from collections.abc import Iterable

from programme import compliance
from programme.models import ExemplaryModel, Period, Programme, Target
from programme.selectors import UnitInfo, programme_targets, reporting_units_on
from reporting.models import Submission, Value
from reporting.selectors.compliance import ComplianceReport, Figures, compliance_report, district_reports


def programme_periods(programme: Programme) -> list[Period]:
    """The programme's periods in order of their end. One query."""
    return list(programme.periods.order_by("end"))


def period_short_name(period: Period) -> str:
    """A name short enough for a chart's axis: "Q1", "6T", "9T", "Năm" (values are year-to-date)."""
    if period.is_annual:
        return "Năm"
    months = (period.end.year - period.start.year) * 12 + period.end.month - period.start.month + 1
    if period.kind == Period.Kind.QUARTER and months == 3:
        return f"Q{math.ceil(period.end.month / 3)}"
    return f"{months}T"


def counting_statuses(approved_only: bool) -> list[str]:
    return [Submission.Status.APPROVED] if approved_only else list(Submission.COUNTING)


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
    values = Value.objects.filter(
        submission__period__in=[period.id for period in periods],
        submission__status__in=counting_statuses(approved_only),
        numerator__isnull=False,
        denominator__isnull=False,
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


def register_dates(programme: Programme) -> list[tuple[int, object, object]]:
    """(unit id, registered on, recognised on) of every model of the programme's year. One query."""
    return list(
        ExemplaryModel.objects.filter(year=programme.year).values_list("unit_id", "registered_on", "recognised_on")
    )


def register_figures_at(
    period: Period, units: list[UnitInfo], dates: list[tuple]
) -> dict[str, dict[int, compliance.Figure]]:
    """MT5a/MT5b at the period's end, by the rule of ``register_figures``: 1 of 1 when the unit has a model of
    the year registered (recognised) by then, else 0 of 1."""
    registered = {unit_id for unit_id, on, _ in dates if on <= period.end}
    recognised = {unit_id for unit_id, on, rec in dates if on <= period.end and rec is not None and rec <= period.end}
    by_source = {Target.Source.MODELS_REGISTERED: registered, Target.Source.MODELS_RECOGNISED: recognised}
    return {
        source: {unit.id: compliance.Figure(unit.code, int(unit.id in ids), 1) for unit in units}
        for source, ids in by_source.items()
    }


def units_by_period(programme: Programme, periods: list[Period]) -> dict[int, list[UnitInfo]]:
    """period id → the units expected to report it. One query, whatever the number of periods and units."""
    on_day = reporting_units_on(programme, [period.end for period in periods])
    return {period.id: on_day[period.end] for period in periods}


def programme_compliance(
    programme: Programme,
    periods: list[Period],
    *,
    approved_only: bool = False,
    by_unit: bool = False,
    units: dict[int, list[UnitInfo]] | None = None,
) -> dict[int, ComplianceReport]:
    """period id → the district's figures for that period, summed by the database (``district_reports``);
    with ``by_unit``, every unit's figure is read and each unit's result is added.

    Queries: targets (2), values of all the periods (1), the register (1, when a target comes from it), and
    the units (1) unless given (``units_by_period``): the count never depends on the number of units or
    targets.
    """
    targets = programme_targets(programme)
    if not by_unit:
        return district_reports(programme, periods, targets, approved_only=approved_only)
    figures = figures_by_period(periods, approved_only=approved_only)
    dates = register_dates(programme) if any(not t.is_typed for t in targets) else []
    units = units if units is not None else units_by_period(programme, periods)
    reports = {}
    for period in periods:
        reports[period.id] = compliance_report(
            period,
            units=units[period.id],
            targets=targets,
            figures=figures.get(period.id, {}),
            register=register_figures_at(period, units[period.id], dates),
            approved_only=approved_only,
            by_unit=by_unit,
        )
    return reports
