"""The register of "Dân vận khéo" models: officers register their unit's models, reviewers recognise them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.permissions import Action, may, require, require_or_404, visible_programmes
from programme.forms import ExemplaryModelForm, RecogniseForm, RegisterFilterForm
from programme.models import ExemplaryModel
from programme.selectors import (
    current_programme,
    district_register,
    model_fields,
    recognition_levels,
    register_kinds,
    unit_register,
)
from programme.services import exemplary_model_recognise, exemplary_model_register
from reporting.selectors.register import kept_register_tallies

UNIT_PAGE = "trang_don_vi"  # the page of the table of units; ``page`` is the page of models


@login_required
def register(request):
    """Officers see and extend their unit's register; reviewers and leaders see every unit's."""
    user = request.user
    if may(user, Action.VIEW_DISTRICT_REGISTER):
        if request.method == "POST":
            raise PermissionDenied
        return _district_page(request)
    require(user, Action.VIEW_REGISTER)
    return _unit_page(request)


def _unit_page(request):
    unit = request.user.unit
    may_register = may(request.user, Action.REGISTER_MODEL, unit)  # not once the unit is closed
    if request.method == "POST" and not may_register:
        raise PermissionDenied
    programme = current_programme(unit)
    year = programme.year if programme else timezone.localdate().year
    form = ExemplaryModelForm(
        request.POST if request.method == "POST" else None, model_fields=model_fields(in_use=True)
    )
    if form.is_bound and form.is_valid():
        try:
            model = exemplary_model_register(user=request.user, unit=unit, year=year, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, f"Đã đăng ký mô hình “{model.name}” năm {model.year}.")
            return redirect("register")
    context = {"register": unit_register(unit, programme, year=year), "form": form, "may_register": may_register}
    return render(request, "programme/register_unit.html", context)


def _district_page(request, *, failed: tuple[int, RecogniseForm] | None = None):
    """The district's register (of the newest programme the user may see); ``failed`` is a recognition form to
    show again with its errors."""
    programme = visible_programmes(request.user).first()
    if programme is None:
        return render(request, "programme/register_district.html", {"register": None})
    filter_form = RegisterFilterForm(request.GET, kinds=register_kinds(), model_fields=model_fields())
    data = district_register(
        programme,
        filters=filter_form.filters(),
        page=request.GET.get("page"),
        unit_page=request.GET.get(UNIT_PAGE),
        kept=kept_register_tallies,
    )
    may_recognise = may(request.user, Action.RECOGNISE_MODEL)
    levels = recognition_levels() if may_recognise else []
    rows = []
    for model in data.page:
        form = None
        if may_recognise and model.recognised_on is None:
            prefix = RecogniseForm.prefix_for(model)
            form = failed[1] if failed and failed[0] == model.pk else RecogniseForm(prefix=prefix, levels=levels)
        rows.append((model, form))
    context = {
        "register": data,
        "filter_form": filter_form,
        "rows": rows,
        "query": request.GET.urlencode(),
        "units_open": UNIT_PAGE in request.GET,  # the table of units stays open while it is paged
    }
    return render(request, "programme/register_district.html", context)


@login_required
@require_POST
def model_recognise(request, pk):
    """Recognise one model from the register page, then go back to the same filters and page."""
    require(request.user, Action.RECOGNISE_MODEL)
    model = get_object_or_404(ExemplaryModel.objects.select_related("unit"), pk=pk)
    require_or_404(request.user, Action.RECOGNISE_MODEL, model.unit)  # a unit outside the user's own
    form = RecogniseForm(request.POST, prefix=RecogniseForm.prefix_for(model), levels=recognition_levels())
    if form.is_valid():
        try:
            model = exemplary_model_recognise(
                user=request.user,
                model=model,
                recognised_on=form.cleaned_data["recognised_on"],
                level=form.cleaned_data["recognition_level"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request,
                f"Đã công nhận mô hình “{model.name}” ({model.unit.name}) là điển hình "
                f"{model.recognition_level.name.lower()}.",
            )
            query = request.GET.urlencode()
            return redirect(f"{reverse('register')}{'?' + query if query else ''}#mo-hinh-{model.pk}")
    reason = " ".join(form.non_field_errors()) or "xem lỗi tại dòng của mô hình."
    messages.error(request, f"Chưa công nhận được mô hình “{model.name}” ({model.unit.name}): {reason}")
    return _district_page(request, failed=(model.pk, form))
