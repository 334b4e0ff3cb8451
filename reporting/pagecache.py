"""The dashboards, rendered once for each state of the data and kept until it changes.

At province scale a dashboard reads every unit's figures (hundreds of milliseconds), while leaders open the
same few pages again and again between two changes. So the part of a dashboard below the header, which is the
same for every viewer with the same rights, is kept (``dvproject.snapshot.remember``) under the page's address,
what varies by viewer, and today's date (lateness is counted to the day), for as long as the data stays the same.
"""

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from dvproject.snapshot import remember

PART_MARK = "<!--dashboard-part-->"  # between the title and the content in ``_part.html``; text is escaped
PAGE = "reporting/dashboards/page.html"
CONTENT_MARK = "<!--dashboard-content-->"  # where the kept content goes in the page


def dashboard_page(request, build, *, vary=()):
    """The page that ``build()`` describes as ``(template, context)``, its part below the header kept.

    ``build`` runs only when the part is not kept, so it holds every read of the page; an exception it raises
    (a 404) is not kept. ``vary`` names what the part depends on beyond the address: the viewer's rights, never
    the viewer (the header, the messages and the CSRF token are rendered for each request).
    """

    def part():
        template, context = build()
        title, content = render_to_string(template, context, request).split(PART_MARK, 1)
        return title, content.encode()  # kept encoded: the matrix's content is a hundred kilobytes

    key = (request.get_full_path(), *vary, timezone.localdate().isoformat())
    title, content = remember("dashboard", key, part)
    layout = render_to_string(PAGE, {"part_title": mark_safe(title), "part_content": mark_safe(CONTENT_MARK)}, request)
    before, after = layout.encode().split(CONTENT_MARK.encode(), 1)
    return HttpResponse(b"".join((before, content, after)))
