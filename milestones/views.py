"""A unit's milestones (its officer records them done) and the programme's board of milestones (reviewers
confirm or return what units recorded)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import Action, may, programme_or_404, require, require_or_404, unit_or_404
from milestones.attachments import content_type
from milestones.models import Milestone, MilestoneRecord
from milestones.selectors import milestone_board, milestones_of
from milestones.services import milestone_record, milestone_review
from programme.formatting import typed_date
from programme.selectors import counting_programmes
from reporting.views.dashboards import district_dashboard
from reporting.views.programmes import switcher


@login_required
@require_http_methods(["GET", "POST"])
def unit_milestones(request, programme_code, unit_code):
    """The unit's milestones in the programme named in the address, with their standing; its officer records one
    done (POST)."""
    programme = programme_or_404(request.user, programme_code)
    unit = unit_or_404(request.user, unit_code, year=programme.year)  # 404 for an officer asking for another unit
    if programme not in counting_programmes(unit):  # outside its area, or counted by an inner area's programme
        raise Http404
    errors, posted = {}, {}
    if request.method == "POST":
        require(request.user, Action.EDIT_REPORT, unit)
        chosen = request.POST.get("moc", "")
        milestone = get_object_or_404(Milestone, pk=int(chosen) if chosen.isdecimal() else 0, programme=programme)
        posted = {"milestone": milestone.id, **request.POST.dict()}
        raw_day = request.POST.get("done_on", "")
        day = typed_date(raw_day)
        try:
            if raw_day.strip() and day is None:
                raise ValidationError({"done_on": "Ngày hoàn thành không đúng dạng ngày/tháng/năm."})
            milestone_record(
                user=request.user,
                milestone=milestone,
                unit=unit,
                done_on=day,
                document_number=request.POST.get("document_number", ""),
                note=request.POST.get("note", ""),
                attachment=request.FILES.get("attachment"),
            )
        except ValidationError as error:
            errors = error.message_dict
        else:
            messages.success(request, f"Đã ghi hoàn thành: {milestone.name}. Ban sẽ xem và xác nhận.")
            return redirect("unit_milestones", programme_code=programme.code, unit_code=unit.code)
    rows = milestones_of(unit, programme, today=timezone.localdate())
    may_record = may(request.user, Action.EDIT_REPORT, unit)
    context = {
        "unit": unit,
        "programme": programme,
        "switcher": switcher(request, programme),
        "rows": rows,
        "may_record": may_record,
        # its own officer, once the unit is closed: told why nothing can be recorded
        "closed": not may_record and may(request.user, Action.READ_OWN_REPORT, unit),
        "errors": errors,
        "posted": posted,
    }
    return render(request, "milestones/unit.html", context, status=400 if errors else 200)


@login_required
@require_GET
def attachment(request, record_id):
    """The file a unit attached to a milestone, as a download, for those who may see the unit."""
    record = get_object_or_404(MilestoneRecord.objects.select_related("unit"), pk=record_id)
    require_or_404(request.user, Action.VIEW_UNIT, record.unit)  # an officer never learns of another unit's
    if not record.attachment:
        raise Http404
    try:
        handle = record.attachment.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(
        handle,
        as_attachment=True,
        filename=record.attachment_name or "tep-dinh-kem",
        content_type=content_type(record.attachment.name),
    )


@district_dashboard
def board(request, programme):
    board = milestone_board(programme, today=timezone.localdate(), page=request.GET.get("trang"))
    context = {"board": board, "programme": programme, "switcher": switcher(request, programme)}
    return render(request, "milestones/board.html", context)


@login_required
@require_POST
def review(request, record_id):
    """A reviewer confirms a unit's milestone, or returns it with the reason."""
    if not may(request.user, Action.REVIEW):
        raise PermissionDenied
    record = get_object_or_404(MilestoneRecord.objects.select_related("milestone__programme", "unit"), pk=record_id)
    require_or_404(request.user, Action.VIEW_UNIT, record.unit)  # a unit outside the user's own
    confirm = request.POST.get("action") == "confirm"
    try:
        milestone_review(user=request.user, record=record, confirm=confirm, comment=request.POST.get("comment", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        done = "Đã xác nhận" if confirm else "Đã trả lại"
        messages.success(request, f"{done}: {record.milestone.name} — {record.unit.name}.")
    return redirect("milestones_board", programme_code=record.milestone.programme.code)
