from django.http import Http404


def export_overview(request, fmt):
    raise Http404


def export_matrix(request, fmt):
    raise Http404


def export_values(request, fmt):
    raise Http404


def official_report(request, period_id):
    raise Http404


def unit_report_docx(request, period_id, unit_code):
    raise Http404
