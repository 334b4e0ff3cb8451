from django.http import Http404


def report_template(request, period_id, unit_code):
    raise Http404


def report_upload(request, period_id, unit_code):
    raise Http404


def bulk_upload(request):
    raise Http404
