"""The district register's tallies read from the sums kept for the programme's area (``reporting.totals``) rather
than from every unit: what ``programme.selectors.register_tallies`` counts, for the register's page."""

import datetime

from django.db.models import OuterRef, Subquery, Sum

from programme.models import Programme
from programme.selectors import REGISTER_SOURCES
from reporting.models import ReportCounts, TargetTotals


def kept_register_tallies(programme: Programme, cutoff: datetime.date) -> tuple[int, dict[str, tuple[int, int]]] | None:
    """``register_tallies`` over every unit the register lists (no kind chosen) at ``cutoff``, the end of the
    programme's last period (``register_cutoff``): the units expected then (``ReportCounts.expected``) and, per
    register target, the units the register counts as meeting it and those it applies to
    (``TargetTotals.units_in_register`` and ``units_expected``, which follow the same rule, ``in_register_by``).
    None for a programme with no period ending on ``cutoff`` (it has no periods yet): no sum is kept for it. Two
    queries."""
    expected = (
        ReportCounts.objects.filter(period=OuterRef("pk"), area=programme.area_id)
        .values("period")
        .annotate(units=Sum("expected"))
        .values("units")
    )
    found = (
        programme.periods.filter(end=cutoff)
        .order_by("id")
        .annotate(units=Subquery(expected))
        .values_list("id", "units")
        .first()
    )
    if found is None:
        return None
    period_id, units = found
    kept = TargetTotals.objects.filter(
        period=period_id,
        area=programme.area_id,
        approved_only=False,
        target__programme=programme,
        target__source__in=REGISTER_SOURCES,
    ).values_list("target__source", "units_in_register", "units_expected")
    tallies = {source: (0, 0) for source in REGISTER_SOURCES}
    for source, meeting, applies in kept.order_by("target__order", "target__code").reverse():
        tallies[source] = (meeting, applies)  # the first target of a source, as ``register_targets`` keeps
    return units or 0, tallies
