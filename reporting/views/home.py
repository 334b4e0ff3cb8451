from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.permissions import Action, may, visible_programmes
from accounts.roles import Role
from programme.selectors import programmes_taking_part
from reporting.selectors.compliance import district_compliance, latest_period_with_data
from reporting.selectors.reports import unit_periods
from reporting.selectors.verdicts import verdicts


@login_required
@require_GET
def home(request):
    """The start page: an officer sees the unit's periods; the district sees the latest figures."""
    user = request.user
    role = user.role
    context = {"role": role, "Role": Role}
    if role == Role.OFFICER and user.unit_id:
        # Every programme of the newest year that counts the unit: two only where two really expect it.
        counting = programmes_taking_part(user.unit)
        programmes = [programme for programme in counting if programme.year == counting[0].year] if counting else []
        context["programme"] = programmes[0] if programmes else None
        context["programmes"] = programmes
        context["periods"] = [row for programme in programmes for row in unit_periods(user.unit, programme)]
        context["closed"] = not may(user, Action.EDIT_REPORT, user.unit)  # its history, read-only
    elif role is not None and may(user, Action.VIEW_DISTRICT):
        programme = visible_programmes(user).first()  # the newest the user may see
        context["programme"] = programme
        period = latest_period_with_data(programme) if programme else None
        if period:
            report = district_compliance(period)
            told = verdicts(report, today=timezone.localdate())
            context["report"] = report
            context["rows"] = [(target, result, told[target.id]) for target, result in report.rows]
    return render(request, "home.html", context)
