"""The compliance figures of every period of a programme at once, for trends over the year.

``district_compliance`` answers for one period; a trend needs them all. Here the values of all the
programme's periods are read in one query and the register once, then each period is computed exactly as
``district_compliance`` computes it (a test holds the two to the same figures).
"""

from programme.models import Period, Programme
from programme.selectors import UnitInfo, programme_targets, reporting_units_on
from reporting.selectors.compliance import (
    NO_REGISTER,
    ComplianceReport,
    compliance_report,
    district_reports,
    figures_by_period,
    register_figures_at,
    register_of,
)


def programme_periods(programme: Programme) -> list[Period]:
    """The programme's periods in order of their end. One query."""
    return list(programme.periods.order_by("end"))


def period_short_name(period: Period) -> str:
    """A name short enough for a chart's axis: the period's short name ("Q1", "6T", "9T", "Năm"), which is data;
    its full name for a period that has none."""
    return period.short_name or period.name


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

    Queries: targets (2), values of all the periods (1), the register (2, when a target comes from it), and
    the units (1) unless given (``units_by_period``): the count never depends on the number of units or
    targets.
    """
    targets = programme_targets(programme)
    if not by_unit:
        return district_reports(programme, periods, targets, approved_only=approved_only)
    figures = figures_by_period(periods, approved_only=approved_only)
    register = register_of(programme, periods=periods) if any(not t.is_typed for t in targets) else NO_REGISTER
    units = units if units is not None else units_by_period(programme, periods)
    reports = {}
    for period in periods:
        reports[period.id] = compliance_report(
            period,
            units=units[period.id],
            targets=targets,
            figures=figures.get(period.id, {}),
            register=register_figures_at(period, units[period.id], register),
            approved_only=approved_only,
            by_unit=by_unit,
        )
    return reports
