"""A request body larger than the uploads need is refused before it is read.

Django keeps form fields within ``DATA_UPLOAD_MAX_MEMORY_SIZE`` but receives files of any size (to disk) before
a view can look at them; the proxy in front should refuse them first (``client_max_body_size``), and this is
the same rule for when it does not.
"""

from django.conf import settings
from django.shortcuts import render

from programme.formatting import vn_number


class RequestSizeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads no body then
        if length > settings.MAX_REQUEST_BYTES:
            limit = vn_number(settings.MAX_REQUEST_BYTES / 1024 / 1024)
            message = f"Tệp hoặc dữ liệu gửi lên quá lớn (tối đa {limit} MB); không có gì được lưu."
            return render(request, "request_too_large.html", {"message": message}, status=413)
        return self.get_response(request)
