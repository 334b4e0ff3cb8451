from django.http import Http404


def overview(request):
    raise Http404


def matrix(request):
    raise Http404


def completeness(request):
    raise Http404


def unit_dashboard(request, unit_code):
    raise Http404


def target_dashboard(request, target_id):
    raise Http404
