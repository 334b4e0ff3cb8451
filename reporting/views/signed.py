"""The signed and stamped report kept with the unit's report: listed for those who may see the unit, added by
its officer or a reviewer of the unit once the report is submitted or approved, downloaded as a file."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from accounts.permissions import Action, may, require, require_or_404
from programme.formatting import typed_date
from reporting import signed
from reporting.models import SignedDocument, Submission
from reporting.services import signed_document_add
from reporting.views.officer import unit_and_period


def signed_post(request, add) -> tuple[dict, dict]:
    """Keep the signed document a page's form sends, through ``add`` (the service for its report): the errors by
    field (none when kept) and what was typed, to show again."""
    posted = {name: request.POST.get(name, "") for name in ("number", "signed_on", "signer")}
    signed_on = typed_date(posted["signed_on"])
    try:
        add(upload=request.FILES.get("file"), number=posted["number"], signed_on=signed_on, signer=posted["signer"])
    except ValidationError as error:
        errors = error.message_dict
        if posted["signed_on"].strip() and signed_on is None:
            errors["signed_on"] = ["Ngày ký không hợp lệ; nhập theo dạng ngày/tháng/năm, ví dụ 05/07/2024."]
        return errors, posted
    messages.success(request, "Đã lưu văn bản đã ký cùng báo cáo.")
    return {}, posted


@login_required
@require_http_methods(["GET", "POST"])
def signed_documents(request, period_id, unit_code):
    unit, period = unit_and_period(request.user, period_id, unit_code)
    submission = Submission.objects.filter(unit=unit, period=period).select_related("unit", "period").first()
    if submission is None:
        raise Http404  # nothing to sign before a report exists
    errors, posted = {}, {}
    if request.method == "POST":
        require(request.user, Action.ATTACH_SIGNED, unit)
        errors, posted = signed_post(request, partial(signed_document_add, user=request.user, submission=submission))
        if not errors:
            return redirect("signed_documents", period_id=period.id, unit_code=unit.code)
    documents = submission.signed_documents.select_related("uploaded_by").order_by("-uploaded_at", "-pk")
    may_edit = may(request.user, Action.EDIT_REPORT, unit)
    context = {
        "whose": unit.name,
        "period": period,
        "back": reverse("report" if may_edit else "review", args=[period.id, unit.code]),
        "documents": list(documents),
        "download": "signed_document_file",
        "may_attach": may(request.user, Action.ATTACH_SIGNED, unit) and submission.status in Submission.COUNTING,
        "not_yet": "" if submission.counts else "Văn bản đã ký được lưu khi báo cáo đã nộp hoặc đã duyệt.",
        "errors": errors,
        "posted": posted,
        "accepted": signed.ACCEPTED,
    }
    return render(request, "reporting/signed_documents.html", context, status=400 if errors else 200)


@login_required
@require_GET
def signed_document_file(request, document_id):
    """A signed document as a download, for those who may see its unit (an officer of another unit gets 404)."""
    document = get_object_or_404(SignedDocument.objects.select_related("submission__unit"), pk=document_id)
    require_or_404(request.user, Action.VIEW_UNIT, document.submission.unit)
    return signed_file(document)


def signed_file(document) -> FileResponse:
    """A signed document's file as a download (404 when the file is gone from the store)."""
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(
        handle,
        as_attachment=True,
        filename=document.file_name or "van-ban-da-ky",
        content_type=signed.ACCEPTED.content_type(document.file.name),
    )
