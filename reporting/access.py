"""Who may see which unit's reports. Enforced in every view; officers never learn other units exist."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from programme.models import Period, Unit


def viewable_unit(user, code: str) -> Unit:
    """The unit of that code if the user may see its reports; 404 otherwise (also for another unit)."""
    if "\x00" in code:  # no code has one, and PostgreSQL refuses it in a query
        raise Http404
    unit = Unit.objects.select_related("kind").filter(code=code).first()
    if unit is None:
        raise Http404
    if user.has_perm("reporting.view_all_reports") or (
        user.unit_id == unit.id and user.has_perm("reporting.submit_report")
    ):
        return unit
    raise Http404


def report_period(period_id: int) -> Period:
    return get_object_or_404(Period.objects.select_related("programme__area"), pk=period_id)
