"""A database failure while serving a request: the user is told, in Vietnamese, that nothing was changed.

Every change is one transaction (the services are atomic), so a statement or a commit that fails leaves the data
as it was; what is left to do is to say so and to ask for another try, rather than answer a bare "Server Error".
"""

import logging

from django.db import DatabaseError
from django.http import HttpResponse
from django.shortcuts import render

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
        try:
            return render(request, "database_error.html", {"message": MESSAGE}, status=503)
        except DatabaseError:  # the page's own reads failed too (who is asking, the menu)
            return HttpResponse(MESSAGE, content_type="text/plain; charset=utf-8", status=503)
