"""A database failure while serving a request: the user is told, in Vietnamese, that nothing was changed.

Every change is one transaction (the services are atomic), so a statement or a commit that fails leaves the data
as it was; what is left to do is to say so and to ask for another try, rather than answer a bare "Server Error".
"""

import logging

from django.db import DatabaseError
from django.http import HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger("django.request")

MESSAGE = (
    "Cơ sở dữ liệu đang gặp sự cố nên yêu cầu chưa thực hiện được; không có thay đổi nào được lưu. "
    "Đề nghị đồng chí quay lại trang trước và thử lại sau ít phút."
)


class DatabaseFailureMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DatabaseError):
            return None
        logger.error("Database failure: %s %s", request.method, request.path, exc_info=exception)
        # Without the request, as Django renders its 500 page: who is asking and the menu are read from the
        # database, which may be the very thing that fails.
        return HttpResponse(render_to_string("database_error.html", {"message": MESSAGE}), status=503)
