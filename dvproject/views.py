from django.http import HttpResponse
from django.views.decorators.http import require_GET


@require_GET
def health(request):
    """Public and trivial: no login, no template, no database query. A load balancer's liveness check, and
    the floor against which ``make bench`` compares every page (what the middleware stack alone costs)."""
    return HttpResponse("ok", content_type="text/plain")
