"""The downloads made in the background (``reporting.downloads``): asking for one, following it, taking its file.

Only the district's viewers may ask, as for every district download; each download is its asker's alone, and
another user's address is a 404, as for one that does not exist. Parameters as on the overview: ``ky`` and
``chi_duyet=1``.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from reporting.downloads import BUILDERS, download_active, download_of, download_start
from reporting.models import PreparedDownload
from reporting.views.exports import approved_only_asked, chosen_period, district_only, file_response

State = PreparedDownload.State


@login_required
@district_only
@require_http_methods(["GET", "POST"])
def start(request, programme_code, kind, fmt):
    """GET: the page that asks for the file (or the one already being made); POST: ask for it. A file that is
    not made in the background (the texts as XLSX) is a 404."""
    if (kind, fmt) not in BUILDERS:
        raise Http404
    period, approved_only = chosen_period(request, programme_code), approved_only_asked(request)
    asked = dict(user=request.user, kind=kind, fmt=fmt, period=period, approved_only=approved_only)
    if request.method == "POST":
        download = download_start(**asked)
        return redirect("download_status", download_id=download.pk)
    if active := download_active(**asked):
        return redirect("download_status", download_id=active.pk)
    context = {
        "kind": PreparedDownload.Kind(kind),
        "format_label": PreparedDownload.FORMATS[fmt],
        "period": period,
        "programme": period.programme,
        "approved_only": approved_only,
    }
    return render(request, "reporting/download_start.html", context)


def _own(request, download_id) -> PreparedDownload:
    download = download_of(user=request.user, download_id=download_id)
    if download is None:
        raise Http404
    return download


@login_required
@district_only
@require_GET
def status(request, download_id):
    """The download's page: its progress while it is made, then its file, or why it failed and a way to retry."""
    download = _own(request, download_id)
    query = f"?ky={download.period_id}" + ("&chi_duyet=1" if download.approved_only else "")
    programme_code = download.period.programme.code
    again = reverse(
        "download_start", kwargs={"programme_code": programme_code, "kind": download.kind, "fmt": download.format}
    )
    context = {"download": download, "again": again + query}
    return render(request, "reporting/download.html", context)


@login_required
@district_only
@require_GET
def progress(request, download_id):
    """The download's state as JSON, for the page's progress bar (``static/js/downloads.js``)."""
    download = _own(request, download_id)
    return JsonResponse(
        {
            "state": download.state,
            "done": download.done,
            "total": download.total,
            "file": reverse("download_file", args=[download.pk]) if download.state == State.DONE else None,
            "error": download.error,
        }
    )


@login_required
@district_only
@require_GET
def file(request, download_id):
    """The file, once it is made, with the same name and headers as a download made within the request."""
    found = (
        PreparedDownload.objects.filter(pk=download_id, owner=request.user, state=State.DONE)
        .values_list("content", "format", "filename")
        .first()
    )
    if found is None:
        raise Http404
    content, fmt, filename = found
    return file_response(bytes(content), fmt, filename)
