"""The verdict of each target of a period as pages and documents print it (``programme.compliance.verdict``),
with the units still missing named once the due date has passed."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Window
from django.db.models.functions import RowNumber

from programme import compliance
from programme.formatting import NAMED
from programme.models import Period, Target, Unit
from programme.selectors import exists_on, programme_counts
from reporting.models import Value
from reporting.selectors.compliance import ComplianceReport
from reporting.selectors.standing import MISSING, gap_areas


def missing_names(period: Period, targets: list[Target], *, approved_only: bool) -> dict[int, list[str]]:
    """target id → the names of the first ``NAMED`` units, in tree order, expected to report the
    target at the period without a figure that counts (``reporting.selectors.standing.units_without_value``
    for several targets, cut short in the database). Reported targets only: the register's are never missing.
    Two queries, whatever the number of units and targets: the areas with units missing (``gap_areas``), and
    the units directly under them; none more when there are none."""
    reported = [target for target in targets if target.source == Target.Source.REPORTED]
    if not reported:
        return {}
    areas = gap_areas(period, reported, approved_only=approved_only)[MISSING]
    if not areas:
        return {}
    figure = Value.objects.counting(approved_only=approved_only).filter(
        submission__period=period, submission__unit=OuterRef("pk"), target=OuterRef("target_id")
    )
    rows = (
        Unit.objects.filter(programme_counts(period.programme), exists_on(period.end), kind__reports=True)
        .filter(parent__in=sorted(areas))
        .annotate(target_id=F("kind__targets"))  # a row per unit and target of its kind, on one join
        .filter(target_id__in=[target.id for target in reported])
        .filter(~Exists(figure))
        .annotate(position=Window(RowNumber(), partition_by=[F("target_id")], order_by=[F("tree_order").asc()]))
        .filter(position__lte=NAMED)
        .values_list("target_id", "name", "position")
        .order_by()
    )
    found: dict[int, list[tuple[int, str]]] = {}
    for target_id, name, position in rows:
        found.setdefault(target_id, []).append((position, name))
    return {target_id: [name for _, name in sorted(names)] for target_id, names in found.items()}


@dataclass(frozen=True)
class Verdict:
    text: str  # ``compliance.verdict``: "Đạt (14/17 đơn vị đã báo cáo)"
    detail: str  # ``compliance.verdict_detail``: what it adds to the status, empty when no unit is missing
    provisional: bool  # units are missing and the due date has not passed


def verdict_of(result: compliance.TargetResult, *, final: bool, missing: Sequence[str] = ()) -> Verdict:
    """A target's ``Verdict`` when the due date has passed (``final``) or not, with the missing units' names."""
    return Verdict(
        compliance.verdict(result, final=final, missing=missing),
        compliance.verdict_detail(result, final=final, missing=missing),
        not final and not result.complete,
    )


def verdicts(report: ComplianceReport, *, today: datetime.date) -> dict[int, Verdict]:
    """target id → the verdict of each target of the report on ``today``. No query before the due date (the
    verdict is provisional and names no unit), and after it none when every unit has reported, else two."""
    period = report.period
    final = period.due_passed(today)
    targets = [target for target, result in report.rows if not result.complete]  # those naming units missing
    names = missing_names(period, targets, approved_only=report.approved_only) if final else {}
    return {
        target.id: verdict_of(result, final=final, missing=names.get(target.id, ())) for target, result in report.rows
    }
