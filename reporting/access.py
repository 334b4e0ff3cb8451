"""The period a report URL names; who may see which unit is asked of ``accounts.permissions``."""

from django.shortcuts import get_object_or_404

from programme.models import Period


def report_period(period_id: int) -> Period:
    return get_object_or_404(Period.objects.select_related("programme__area"), pk=period_id)
