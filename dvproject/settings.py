"""One settings module, read from the environment.

Unset, ``DJANGO_DEBUG`` means production mode, which refuses to start without a real secret key and allowed
hosts, so that a forgotten variable never shows debug pages. ``DJANGO_DEBUG=true`` (set by ``make run``) gives
the local try-out: debug on, SQLite, localhost only.
"""

import datetime
import ipaddress
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DJANGO_DEBUG", default=False)

_LOCAL_SECRET_KEY = "local-only-insecure-key-never-use-in-production"
SECRET_KEY = env("DJANGO_SECRET_KEY", default=_LOCAL_SECRET_KEY if DEBUG else "")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

if not DEBUG:
    _PRODUCTION = "in production mode (DJANGO_DEBUG=false, the default; a local try-out sets DJANGO_DEBUG=true)"
    if len(SECRET_KEY) < 50 or SECRET_KEY == _LOCAL_SECRET_KEY or SECRET_KEY.startswith("change-me"):
        raise ImproperlyConfigured(f"DJANGO_SECRET_KEY must be a random value of at least 50 characters {_PRODUCTION}.")
    if not ALLOWED_HOSTS or "*" in ALLOWED_HOSTS:
        raise ImproperlyConfigured(f"DJANGO_ALLOWED_HOSTS must list the site's host names {_PRODUCTION}.")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "accounts.login_lock.LoginLockConfig",  # django-axes, named in Vietnamese in the admin
    "csp",
    "django_tasks",
    "django_tasks.backends.database",
    "simple_history",
    "accounts",
    "programme",
    "reporting",
    "followup",
    "milestones",
    "synthesis",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "dvproject.sessions.RenewingSessionMiddleware",  # Django's, reading nothing for an error page
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",  # who made a change, for the admin's "Lịch sử"
    "dvproject.nostore.NoStoreMiddleware",  # after the user is known: nothing signed-in is kept by a browser
    "django.contrib.messages.middleware.MessageMiddleware",
    "dvproject.limits.RequestSizeMiddleware",  # before anything reads the body (CSRF's check does)
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
    "dvproject.failures.DatabaseFailureMiddleware",  # last, so that it sees what a view raised first
]

ROOT_URLCONF = "dvproject.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "dvproject.context_processors.layout",
                "accounts.permissions.permissions",
                "followup.context_processors.notifications",
            ],
        },
    },
]

WSGI_APPLICATION = "dvproject.wsgi.application"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# In production each gunicorn worker keeps its connection for a minute instead of opening one per request
# (a third of a signed-in page's fixed cost on PostgreSQL), checked before reuse.
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DJANGO_CONN_MAX_AGE", default=0 if DEBUG else 60))
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)

# Downloads too long for a request (reporting.downloads) are made by a worker, `manage.py db_worker`, that takes
# them from this database: no other server. `make run` starts one beside the web server; production runs it as
# a service (README, Deploying).
TASKS = {"default": {"BACKEND": "django_tasks.backends.database.DatabaseBackend"}}

# --- E-mail --------------------------------------------------------------------------------------------------------
# Notifications also go by e-mail (followup.mail) when EMAIL_URL says how: smtp://user:password@host:587 (or smtp+tls,
# smtps, smtp+ssl; django-environ's syntax). Unset, the try-out writes each e-mail to a file under var/mail, shown
# on the "Hộp thư thử" page; in production an unset EMAIL_URL means notifications in the app only.
_FILE_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_ENABLED = "EMAIL_URL" in env.ENVIRON or DEBUG
_email = env.email_url("EMAIL_URL") if "EMAIL_URL" in env.ENVIRON else {"EMAIL_BACKEND": _FILE_BACKEND}
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST") or "localhost"
EMAIL_PORT = _email.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER") or ""
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
EMAIL_FILE_PATH = str(BASE_DIR / (_email.get("EMAIL_FILE_PATH") or "var/mail"))  # a relative path is the project's
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)  # seconds: a server that hangs fails the attempt, then retried
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="Theo dõi công tác dân vận <khong-tra-loi@localhost>")
# The site's address as users reach it, for the links in e-mails (which are read outside any request).
SITE_URL = env("DJANGO_SITE_URL", default="http://127.0.0.1:8000" if DEBUG else "").rstrip("/")
if EMAIL_ENABLED and not SITE_URL:
    raise ImproperlyConfigured("DJANGO_SITE_URL must give the site's address (https://…) when EMAIL_URL is set.")
# --- end of e-mail -------------------------------------------------------------------------------------------------

# --- Session length ----------------------------------------------------------------------------------------------
# Django's sessions in the database. A session ends after DJANGO_SESSION_HOURS (default 8) without a request: every
# request saves it with a new expiry.
SESSION_COOKIE_AGE = round(env.float("DJANGO_SESSION_HOURS", default=8) * 60 * 60)
SESSION_SAVE_EVERY_REQUEST = True
# --- end of session length -------------------------------------------------------------------------------------

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses sign-in while an account is locked out
    "django.contrib.auth.backends.ModelBackend",
]

# --- The client's address behind the proxy, and sign-in throttling ----------------------------------------------
# X-Forwarded-For is read only from a connection made by a trusted proxy, and only as far back as the number of
# proxies; with no proxy configured it is ignored (accounts/client_address.py, docs/decisions/0007-client-address.md).
TRUSTED_PROXIES = [
    ipaddress.ip_network(proxy, strict=False) for proxy in env.list("DJANGO_TRUSTED_PROXIES", default=[])
]
PROXY_COUNT = env.int("DJANGO_PROXY_COUNT", default=1 if TRUSTED_PROXIES else 0)
AXES_CLIENT_IP_CALLABLE = "accounts.client_address.client_address"

# 5 failures for one user name from one address lock that pair out for 15 minutes; 20 failures from one address,
# whatever the user names, lock the address (accounts/throttling.py).
AXES_HANDLER = "accounts.throttling.AccountAndAddressHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_FAILURE_LIMIT = env.int("DJANGO_LOGIN_FAILURE_LIMIT", default=5)
LOGIN_ADDRESS_FAILURE_LIMIT = env.int("DJANGO_LOGIN_ADDRESS_FAILURE_LIMIT", default=20)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("DJANGO_LOGIN_LOCKOUT_MINUTES", default=15))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"
AXES_VERBOSE = False
# --- end of the client's address and sign-in throttling ---------------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "accounts.validators.MinimumLengthValidator"},  # Django's, its refusal in Vietnamese
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Uploads: a request body larger than this is refused before it is read (dvproject.limits); a bulk import reads
# at most this many rows, the header included (reporting.sheetreader).
MAX_REQUEST_BYTES = env.int("DJANGO_MAX_REQUEST_MB", default=11) * 1024 * 1024  # a signed report of 10 MB and its form
IMPORT_MAX_ROWS = env.int("DJANGO_IMPORT_MAX_ROWS", default=200_000)

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt")]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
FORMAT_MODULE_PATH = ["dvproject.formats"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
WHITENOISE_AUTOREFRESH = DEBUG
STATICFILES_DIRS = [BASE_DIR / "static"]
FIXTURE_DIRS = [BASE_DIR / "fixtures"]
# Files units attach (milestones' evidence, signed reports): outside the static files, served only through views
# that check who asks. On disk by default; back this folder up with the database (README, Backup and restore).
# Another store (an S3-compatible one with django-storages) is a backend and its options (README, Deploying).
MEDIA_ROOT = Path(env("DJANGO_MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
STORAGES = {
    "default": {
        "BACKEND": env("DJANGO_FILE_STORAGE", default="django.core.files.storage.FileSystemStorage"),
        "OPTIONS": env.json("DJANGO_FILE_STORAGE_OPTIONS", default={}),
    },
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Every page's scripts and styles come from the app's own static files: no inline script, no CDN.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
}
