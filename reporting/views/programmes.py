"""The programme in the address (docs/decisions/0029-programme-in-the-address.md): the switcher between the
programmes a user may see, the old addresses without a programme, and a target's figures of two programmes side
by side."""

from dataclasses import dataclass
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET

from accounts.permissions import Action, programme_or_404, require_or_404, visible_programmes
from programme.models import Programme, Target
from reporting.selectors.year_over_year import year_over_year

PROGRAMME_PREFIX = "ct"  # /ct/<programme code>/…
# Pages naming an object of one programme: switching programme leads to that programme's overview instead.
OWN_OBJECTS = {"target_id", "period_id"}


@dataclass(frozen=True)
class SwitcherItem:
    code: str
    title: str
    year: int
    url: str
    current: bool


def switcher(request, programme: Programme) -> list[SwitcherItem]:
    """The programmes the user may see, newest first, each leading to the same page of that programme (or its
    overview, for a page naming something of this programme only). One query."""
    match = request.resolver_match
    name, kwargs = (match.url_name, dict(match.kwargs)) if match else ("overview", {})
    if OWN_OBJECTS & set(kwargs) or "programme_code" not in kwargs:
        name, kwargs = "overview", {}
    rows = visible_programmes(request.user).values_list("code", "title", "year")
    items = []
    for code, title, year in rows:
        try:
            url = reverse(name, kwargs=kwargs | {"programme_code": code})
        except NoReverseMatch:
            url = reverse("overview", kwargs={"programme_code": code})
        items.append(SwitcherItem(code, title, year, url, code == programme.code))
    return items


@login_required
@require_GET
def latest(request, rest: str):
    """An old address without a programme (``/tong-quan/…``, ``/xuat/…``, ``/tham-dinh/``): the same page of the
    newest programme the user may see, with the same query (302)."""
    programme = visible_programmes(request.user).values_list("code", flat=True).first()
    if programme is None:
        raise Http404
    query = request.META.get("QUERY_STRING", "")
    address = reverse("programme_home", kwargs={"programme_code": programme}) + quote(rest, safe="/")
    return redirect(address + (f"?{query}" if query else ""))


def latest_address(rest: str) -> str:
    """The old address that leads to the newest programme's page ``rest`` (``tong-quan/``, ``tham-dinh/``)."""
    return reverse("programme_latest", kwargs={"rest": rest})


@login_required
@require_GET
def target_year_over_year(request, programme_code, target_id):
    """The target's figures beside those of the target of the same code in another programme (``voi``, its
    code; by default the newest older one, of the same area first): the area's, and each unit's where the unit is
    in both."""
    programme = programme_or_404(request.user, programme_code)
    require_or_404(request.user, Action.VIEW_DISTRICT, programme)  # officers never see other units' standing
    target = get_object_or_404(Target.objects.select_related("programme__area"), pk=target_id, programme=programme)
    choices = [
        other for other in visible_programmes(request.user).filter(targets__code=target.code).exclude(pk=programme.pk)
    ]
    asked = request.GET.get("voi", "")
    other = next((p for p in choices if p.code == asked), None)
    if asked and other is None:
        raise Http404
    if other is None:  # the newest older programme, of the same area first
        older = [p for p in choices if p.year < programme.year]
        same_area = [p for p in older if p.area_id == programme.area_id]
        other = next(iter(same_area or older or choices), None)
    board = year_over_year(target, other) if other else None
    context = {
        "programme": programme,
        "switcher": switcher(request, programme),
        "target": target,
        "choices": choices,
        "other": other,
        "board": board,
    }
    return render(request, "reporting/dashboards/year_over_year.html", context)


@login_required
@require_GET
def programme_home(request, programme_code):
    """The programme's own address: its overview."""
    programme = programme_or_404(request.user, programme_code)
    return redirect("overview", programme_code=programme.code)
