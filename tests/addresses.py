"""The addresses of a programme's pages (``/ct/<programme code>/…``) for tests: ``reverse`` with the programme's
code added, by default the newest programme's (the only one of most tests)."""

from django.urls import reverse

from programme.models import Programme


def programme_reverse(name: str, args=None, kwargs=None, *, programme: Programme | str | None = None) -> str:
    if programme is None:
        programme = Programme.objects.order_by("-year", "code").values_list("code", flat=True).first()
    code = programme if isinstance(programme, str) else programme.code
    if kwargs is not None:
        return reverse(name, kwargs={"programme_code": code, **kwargs})
    return reverse(name, args=[code, *(args or [])])
