from functools import cache

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.templatetags.static import static
from django.urls import get_script_prefix, reverse


def layout(request):
    """The layout's fixed addresses: the menu's pages and the stylesheet, as ``layout.home`` and so on."""
    return {"layout": _addresses(get_script_prefix())}


@cache
def _addresses(prefix: str) -> dict[str, str]:
    """Worked out once per process: reversing the menu's addresses and finding the stylesheet's hashed name
    on every request cost a fifth of a page taken from the cache."""
    names = {
        "home": "home",
        "register": "register",
        "notifications": "notifications",
    }
    return {
        **{key: reverse(name) for key, name in names.items()},
        # the newest programme's pages, by the old addresses that lead there (reporting/views/programmes.py)
        "overview": reverse("programme_latest", kwargs={"rest": "tong-quan/"}),
        "inbox": reverse("programme_latest", kwargs={"rest": "tham-dinh/"}),
        "admin": reverse("admin:index"),
        "logout": reverse("logout"),
        "password_change": reverse("password_change"),
        "stylesheet": static("css/app.css"),
        "kept_copies": static("js/kept-copies.js"),
        "downloads": static("js/downloads.js"),
    }


@receiver(setting_changed)
def _forget_addresses(**kwargs):
    _addresses.cache_clear()  # a test that changes the storage or the URLs
