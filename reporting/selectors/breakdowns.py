"""A target's figures per category across an area (MT6 per mass organisation over every commune): which
category lags. The parts are summed by the database in one aggregate query, whatever the number of units; each
category's result is judged by the target's own rule (``programme.compliance``), as one unit's would be."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Sum

from programme import compliance
from programme.models import Period, Programme, Target, TargetCategory
from programme.selectors import area_path, counted_by
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
            counted_by(area_path(programme), "value__submission__unit__"),
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
