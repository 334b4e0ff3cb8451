"""A target's figures per category across an area (MT6 per mass organisation over every commune): which
category lags. The parts are summed by the database in one aggregate query, whatever the number of units; each
category's result is judged by the target's own rule (``programme.compliance``), as one unit's would be."""

from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

from django.db.models import Count, Sum

from programme import compliance
from programme.formatting import vn_percent
from programme.models import Period, Programme, Target, TargetCategory
from programme.selectors import programme_counts
from reporting.breakdowns import categories_by_target
from reporting.models import Submission, ValuePart
from reporting.selectors.compliance import rule_for


@dataclass(frozen=True)
class CategoryFigure:
    """One category's sums over the area's counting reports, and its result against the target's threshold."""

    category: TargetCategory
    numerator: int
    denominator: int
    units: int  # the units whose counting reports gave the category's figures
    result: compliance.TargetResult | None  # None when no unit gave a figure

    @property
    def lags(self) -> bool:
        """Below the threshold (a percentage that does not meet it): the category to help first."""
        return self.result is not None and self.result.percent is not None and not self.result.units_meeting


def area_breakdowns(
    programme: Programme, period: Period, targets: Iterable[Target], *, approved_only: bool
) -> dict[int, list[CategoryFigure]]:
    """target id → its categories' figures over the programme's area at the period, in the categories' order;
    targets without categories are left out. Two queries (the categories, then the sums), none when no target
    has categories."""
    targets = [target for target in targets if target.is_typed and target.is_reported_in(period)]
    categories = categories_by_target(targets) if targets else {}
    if not categories:
        return {}
    sums = {
        row["category_id"]: row
        for row in ValuePart.objects.filter(
            programme_counts(programme, "value__submission__unit__"),
            value__submission__period=period,
            value__submission__status__in=Submission.counting_statuses(approved_only),
            value__numerator__isnull=False,
            value__denominator__isnull=False,
            category__target__in=list(categories),
        )
        .values("category_id")
        .annotate(numerator=Sum("numerator"), denominator=Sum("denominator"), units=Count("value_id"))
        .order_by()
    }
    by_id = {target.id: target for target in targets}
    found = {}
    for target_id, own in categories.items():
        rule = rule_for(by_id[target_id])
        figures = []
        for category in own:
            row = sums.get(category.id)
            if row is None:
                figures.append(CategoryFigure(category, 0, 0, 0, None))
                continue
            figure = compliance.Figure(category.code, row["numerator"], row["denominator"])
            result = compliance.unit_result(rule, figure, annual_period=period.is_annual)
            figures.append(CategoryFigure(category, row["numerator"], row["denominator"], row["units"], result))
        found[target_id] = figures
    return found


def lowest_parts(
    period: Period, unit_ids: list[int], targets: Iterable[Target], *, approved_only: bool
) -> dict[tuple[int, int], str]:
    """(unit id, target id) → which of the unit's categories stands lowest for the target, as the matrix names
    it ("thấp nhất: Hội Nông dân 60,00%"), for a page of units. Ranked by exact value; a category with a
    denominator of 0 (not applicable) is left out. One query, none when no target has categories."""
    targets = {target.id: target for target in targets if target.is_typed and target.is_reported_in(period)}
    if not targets or not unit_ids:
        return {}
    rows = (
        ValuePart.objects.filter(
            value__submission__period=period,
            value__submission__unit__in=unit_ids,
            value__submission__status__in=Submission.counting_statuses(approved_only),
            value__numerator__isnull=False,
            value__denominator__isnull=False,
            value__target__in=list(targets),
            denominator__gt=0,
        )
        .order_by()
        .values_list("value__submission__unit_id", "value__target_id", "category__name", "numerator", "denominator")
    )
    lowest: dict[tuple[int, int], tuple[Fraction, str, int, int]] = {}
    for unit_id, target_id, name, num, den in rows:
        key, share = (unit_id, target_id), Fraction(num, den)
        if key not in lowest or share < lowest[key][0]:
            lowest[key] = (share, name, num, den)
    found = {}
    for (unit_id, target_id), (_, name, num, den) in lowest.items():
        rule = rule_for(targets[target_id])
        result = compliance.unit_result(rule, compliance.Figure(name, num, den), annual_period=period.is_annual)
        found[(unit_id, target_id)] = f"thấp nhất: {name} {vn_percent(result.percent)}"
    return found
