"""A unit's report filled from its own programme's compiled figures (docs/decisions/0032): a commune is a
reporting unit of the province's programme and the area of its own, and its report to the province may take the
sums its own programme keeps for the same dates. Only read here; the officer sees them in the form and saves."""

from dataclasses import dataclass, field

from programme.models import Period, Programme, Target
from reporting.forms import part_name
from reporting.selectors.breakdowns import area_breakdowns
from reporting.selectors.compliance import TOTALS_FIELDS, stored_totals
from reporting.selectors.reports import ReportSheet

# The compiled figures are those the inner programme's pages show by default: submitted and approved reports.
APPROVED_ONLY = False
UNITS_REPORTING = TOTALS_FIELDS.index("units_reporting")
NOT_APPLICABLE = TOTALS_FIELDS.index("units_not_applicable")
UNITS_EXPECTED = TOTALS_FIELDS.index("units_expected")


@dataclass(frozen=True)
class CompiledSource:
    """A programme whose area is the unit, and its period of the same dates as the report's."""

    programme: Programme
    period: Period


def compiled_sources(unit, period: Period) -> list[CompiledSource]:
    """The other programmes whose area is the unit and that have a period with the same start and end as
    ``period``, by code. One query."""
    periods = (
        Period.objects.filter(programme__area=unit.id, start=period.start, end=period.end)
        .exclude(programme=period.programme_id)
        .select_related("programme__area")
        .order_by("programme__code", "code")
    )
    return [CompiledSource(found.programme, found) for found in periods]


@dataclass(frozen=True)
class FilledTarget:
    """One target filled: the compiled figures, those the form held before, and how many units they come from."""

    target: Target
    numerator: int
    denominator: int
    before: tuple[int | None, int | None]
    units_reporting: int
    units_expected: int


@dataclass
class CompiledFill:
    source: CompiledSource
    initial: dict = field(default_factory=dict)  # the form's fields the figures replace
    filled: list[FilledTarget] = field(default_factory=list)
    skipped: list[Target] = field(default_factory=list)  # in both programmes, but with nothing to take


def compiled_fill(source: CompiledSource, sheet: ReportSheet) -> CompiledFill:
    """The report's typed targets that the source programme has too (by code, typed and reported at its period),
    each with the sums kept for the programme's area (numerator and denominator summed, as its pages show them;
    a target with categories category by category, matched by code). Two queries, two more when a target has
    categories."""
    fill = CompiledFill(source)
    rows = {row.target.code: row for row in sheet.typed_rows}
    theirs = {
        target.code: target
        for target in Target.objects.filter(
            programme=source.programme, code__in=list(rows), source=Target.Source.REPORTED
        ).order_by()
        if target.is_reported_in(source.period)
    }
    if not theirs:
        return fill
    sums = stored_totals(source.programme.area_id, [source.period], list(theirs.values()), approved_only=APPROVED_ONLY)
    with_parts = [theirs[code] for code, row in rows.items() if row.parts and code in theirs]
    parts = (
        area_breakdowns(source.programme, source.period, with_parts, approved_only=APPROVED_ONLY) if with_parts else {}
    )
    for code, row in rows.items():
        if code not in theirs:
            continue
        found = sums.get((source.period.id, theirs[code].id))
        if found is None or not found[UNITS_REPORTING] + found[NOT_APPLICABLE]:
            fill.skipped.append(row.target)  # no unit has reported it: nothing to take
            continue
        numerator, denominator = found[0], found[1]
        if row.parts:
            by_code = {figure.category.code: figure for figure in parts.get(theirs[code].id, [])}
            if any(part.category.code not in by_code for part in row.parts):
                fill.skipped.append(row.target)  # categories that do not match: typed by hand
                continue
            for part in row.parts:
                figure = by_code[part.category.code]
                fill.initial[part_name("num", code, part.category.code)] = figure.numerator
                fill.initial[part_name("den", code, part.category.code)] = figure.denominator
            numerator = sum(by_code[part.category.code].numerator for part in row.parts)
            denominator = sum(by_code[part.category.code].denominator for part in row.parts)
        else:
            fill.initial[f"num_{code}"], fill.initial[f"den_{code}"] = numerator, denominator
        fill.filled.append(
            FilledTarget(
                row.target,
                numerator,
                denominator,
                (row.numerator, row.denominator),
                found[UNITS_REPORTING],
                found[UNITS_EXPECTED],
            )
        )
    return fill
