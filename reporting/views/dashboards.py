"""The dashboards: the district's overview, matrix and completeness, and the pages of one unit and one target.

Every page belongs to the programme its address names (``/ct/<programme code>/tong-quan/…``,
docs/decisions/0029-programme-in-the-address.md); a programme the user may not see is a 404. Reviewers and
leaders (``reporting.view_all_reports``) see everything; an officer sees the own unit's page only and is sent
there from the district's pages; another unit's or a target's page is a 404 for an officer. Each checks who may
see it, then reads and renders the page as the data is now.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET

from accounts.permissions import Action, may, programme_or_404, require_or_404, unit_or_404
from followup.reminders import latest_reminders, urge_period
from programme.models import Target
from programme.selectors import counting_programmes
from reporting.downloads import csv_in_background
from reporting.selectors import dashboards as boards
from reporting.selectors.drilldown import target_dashboard as target_board
from reporting.selectors.drilldown import unit_dashboard as unit_board
from reporting.selectors.matrix import matrix as matrix_board
from reporting.selectors.series import programme_periods
from reporting.selectors.violations import period_violations
from reporting.views.programmes import switcher

NO_PROGRAMME = "reporting/dashboards/no_programme.html"


def dashboard_page(request, build, programme):
    """The page that ``build()`` describes as ``(template, context)``, with the programme and its switcher."""
    template, context = build()
    return render(request, template, {"programme": programme, "switcher": switcher(request, programme), **context})


def district_dashboard(view):
    """For the district's viewers of the programme named in the address (``programme_code``), given to the view
    as ``programme``; an officer is sent to the own unit's page, anyone else is refused."""

    @login_required
    @require_GET
    @wraps(view)
    def wrapper(request, programme_code, *args, **kwargs):
        user = request.user
        programme = programme_or_404(user, programme_code)
        if may(user, Action.VIEW_DISTRICT, programme):
            return view(request, programme, *args, **kwargs)
        if user.unit_id and may(user, Action.VIEW_UNIT, user.unit):
            return redirect("unit_dashboard", programme_code=programme.code, unit_code=user.unit.code)
        raise PermissionDenied

    return wrapper


def approved_only(request) -> bool:
    return request.GET.get("chi_duyet") == "1"


def _programme_period(request, programme):
    """The programme's periods and the period asked for (default: the latest with data)."""
    periods = programme_periods(programme)
    period = boards.chosen_period(programme, periods, request.GET.get("ky")) if periods else None
    return periods, period


@district_dashboard
def overview(request, programme):
    def build():
        periods, period = _programme_period(request, programme)
        if period is None:
            return NO_PROGRAMME, {"programme": programme}
        board = boards.overview(programme, periods=periods, period=period, approved_only=approved_only(request))
        large = csv_in_background(board.completeness.expected)
        return "reporting/dashboards/overview.html", {"board": board, "csv_in_background": large}

    return dashboard_page(request, build, programme)


@district_dashboard
def matrix(request, programme):
    def build():
        periods, period = _programme_period(request, programme)
        if period is None:
            return NO_PROGRAMME, {"programme": programme}
        board = matrix_board(
            programme,
            periods=periods,
            period=period,
            approved_only=approved_only(request),
            kind=request.GET.get("loai"),
            parent=request.GET.get("cap_tren"),
            status=request.GET.get("trang_thai"),
            sort=request.GET.get("sap_xep"),
            page=request.GET.get("trang"),
        )
        return "reporting/dashboards/matrix.html", {"board": board}

    return dashboard_page(request, build, programme)


@district_dashboard
def completeness(request, programme):
    def build():
        periods = programme_periods(programme)
        if not periods:
            return NO_PROGRAMME, {"programme": programme}
        kind, page = request.GET.get("loai"), request.GET.get("trang")
        board = boards.completeness(programme, periods=periods, kind=kind, page=page)
        shown = [row.unit.id for row in board.page]
        followup = {"reminders": latest_reminders(shown, periods), "urge_period": urge_period(periods, board.today)}
        return "reporting/dashboards/completeness.html", {"board": board, **followup}

    return dashboard_page(request, build, programme)


@login_required
@require_GET
def unit_dashboard(request, programme_code, unit_code):
    programme = programme_or_404(request.user, programme_code)
    unit = unit_or_404(request.user, unit_code, year=programme.year)  # 404 for an officer asking for another unit
    if programme not in counting_programmes(unit):  # outside its area, or counted by an inner area's programme
        raise Http404
    district = may(request.user, Action.VIEW_DISTRICT, programme)
    report_view = "report" if may(request.user, Action.READ_OWN_REPORT, unit) else "review"

    def build():
        board = unit_board(unit, programme, approved_only=approved_only(request))
        return "reporting/dashboards/unit.html", {"board": board, "report_view": report_view, "district": district}

    return dashboard_page(request, build, programme)


@login_required
@require_GET
def target_dashboard(request, programme_code, target_id):
    programme = programme_or_404(request.user, programme_code)
    require_or_404(request.user, Action.VIEW_DISTRICT, programme)  # officers never see other units' standing

    def build():
        target = get_object_or_404(
            Target.objects.select_related("programme__area").prefetch_related("applies_to"),
            pk=target_id,
            programme=programme,
        )
        periods = programme_periods(target.programme)
        period = boards.chosen_period(target.programme, periods, request.GET.get("ky")) if periods else None
        if period is None:
            raise Http404
        page = request.GET.get("trang")
        board = target_board(target, periods=periods, period=period, approved_only=approved_only(request), page=page)
        return "reporting/dashboards/target.html", {"board": board}

    return dashboard_page(request, build, programme)


@district_dashboard
def violations(request, programme):
    def build():
        periods, period = _programme_period(request, programme)
        if period is None:
            return NO_PROGRAMME, {"programme": programme}
        board = period_violations(programme, periods=periods, period=period, page=request.GET.get("trang"))
        return "reporting/dashboards/violations.html", {"board": board}

    return dashboard_page(request, build, programme)
