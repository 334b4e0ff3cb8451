"""Sign-in throttling (django-axes) under a Vietnamese name in the admin.

The app's own words (its models, fields and filters) are translated in accounts/locale/vi, the stock way for an
app that ships no Vietnamese. This class lives apart from accounts.apps, where it would be a second AppConfig.
"""

from axes.apps import AppConfig


class LoginLockConfig(AppConfig):
    verbose_name = "Khóa đăng nhập"
