"""Production mode refuses insecure configuration; the local defaults run anywhere."""

import os
import re
import secrets
import shlex
import subprocess
import sys

import pytest
from django.conf import settings

REAL_KEY = secrets.token_urlsafe(60)


def run(command, **env):
    """``command`` in the project's folder with no DJANGO_ variable but ``env`` (and none of an outer make's)."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "MAKE", "MFLAGS"))}
    return subprocess.run(
        command, cwd=settings.BASE_DIR, env={**base, **env}, capture_output=True, text=True, timeout=120
    )


def manage(*args, **env):
    return run([sys.executable, "manage.py", *args], **env)


PRINT_DEBUG = ("shell", "-c", "from django.conf import settings; print('DEBUG', settings.DEBUG)")


def test_unset_debug_is_production_mode_which_refuses_to_start_without_a_secret():
    result = manage("check")
    assert result.returncode != 0
    assert "ImproperlyConfigured: DJANGO_SECRET_KEY" in result.stderr
    assert "DJANGO_DEBUG=true" in result.stderr  # says how to get the try-out


def manage_commands(plan: str) -> list[str]:
    """The manage.py commands of make's plan, one by one: the worker and the server share one shell line."""
    parts = (part.strip() for line in plan.splitlines() for part in re.split(r"[;&]|\\$", line))
    return [part for part in parts if " manage.py " in part]


def test_make_run_starts_the_try_out_in_debug_mode():
    """Every manage.py command of ``make run``, as make would run it, gets debug mode."""
    plan = run(["make", "--dry-run", "run"])
    assert plan.returncode == 0, plan.stderr
    commands = [shlex.split(line) for line in manage_commands(plan.stdout)]
    assert [command[command.index("manage.py") + 1] for command in commands] == [
        "migrate",
        "loaddata",
        "verify_totals",
        "demo_accounts",
        "demo_reports",
        "db_worker",
        "runserver",
    ]
    for command in commands:
        assignments = dict(word.split("=", 1) for word in command[: command.index("manage.py") - 1])
        result = manage(*PRINT_DEBUG, **assignments)
        assert result.returncode == 0, result.stderr
        assert result.stdout.split()[-2:] == ["DEBUG", "True"]


@pytest.mark.parametrize("line", ["DJANGO_DEBUG=false", "  DJANGO_DEBUG = false"])
def test_make_run_keeps_the_production_mode_a_dotenv_file_asks_for(tmp_path, line):
    """On a server whose .env says false, ``make run`` is no try-out: it would make the demo accounts there."""
    (tmp_path / "Makefile").write_text((settings.BASE_DIR / "Makefile").read_text())
    (tmp_path / ".env").write_text(f"DJANGO_SECRET_KEY=x\n{line}\n")
    (tmp_path / "requirements").mkdir()
    for name in ("requirements/lock.txt", "pyproject.toml"):  # what the install step depends on
        (tmp_path / name).touch()
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "MAKE", "MFLAGS"))}
    plan = subprocess.run(["make", "--dry-run", "run"], cwd=tmp_path, env=base, capture_output=True, text=True)
    assert plan.returncode == 0, plan.stderr
    commands = manage_commands(plan.stdout)
    assert len(commands) == 7  # migrate, loaddata, verify_totals, demo_accounts, demo_reports, db_worker, runserver
    assert all(command.startswith("DJANGO_DEBUG=false ") for command in commands)


@pytest.mark.parametrize(
    ("env", "complaint"),
    [
        ({"DJANGO_ALLOWED_HOSTS": "danvan.example.vn"}, "DJANGO_SECRET_KEY"),
        ({"DJANGO_SECRET_KEY": "short", "DJANGO_ALLOWED_HOSTS": "danvan.example.vn"}, "DJANGO_SECRET_KEY"),
        (
            {"DJANGO_SECRET_KEY": "change-me-to-50-random-characters" + "x" * 30, "DJANGO_ALLOWED_HOSTS": "a.vn"},
            "DJANGO_SECRET_KEY",
        ),
        ({"DJANGO_SECRET_KEY": REAL_KEY}, "DJANGO_ALLOWED_HOSTS"),
        ({"DJANGO_SECRET_KEY": REAL_KEY, "DJANGO_ALLOWED_HOSTS": "*"}, "DJANGO_ALLOWED_HOSTS"),
    ],
)
def test_production_mode_refuses_to_start_with_insecure_values(env, complaint):
    result = manage("check", DJANGO_DEBUG="false", **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and complaint in result.stderr


def test_production_settings_pass_the_deployment_checks():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=REAL_KEY,
        DJANGO_ALLOWED_HOSTS="danvan.example.vn",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_interface_language_and_time_zone():
    assert settings.LANGUAGE_CODE == "vi"
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
    assert settings.AUTH_USER_MODEL == "accounts.User"


def test_production_cookies_are_secure():
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings as s; print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT)",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=REAL_KEY,
        DJANGO_ALLOWED_HOSTS="danvan.example.vn",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-3:] == ["True", "True", "True"]


PRODUCTION = {"DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": REAL_KEY, "DJANGO_ALLOWED_HOSTS": "danvan.example.vn"}
PRINT_EMAIL = (
    "shell",
    "-c",
    "from django.conf import settings as s; print(s.EMAIL_ENABLED, s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, "
    "s.EMAIL_USE_TLS, s.EMAIL_HOST_USER, s.EMAIL_HOST_PASSWORD, s.SITE_URL, sep='|')",
)


def test_email_comes_from_email_url():
    result = manage(
        *PRINT_EMAIL,
        EMAIL_URL="smtp+tls://ban.danvan:mat%40khau@mail.example.vn:587",
        DJANGO_SITE_URL="https://danvan.example.vn/",
        **PRODUCTION,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split("|") == [
        "True",
        "django.core.mail.backends.smtp.EmailBackend",
        "mail.example.vn",
        "587",
        "True",
        "ban.danvan",
        "mat@khau",
        "https://danvan.example.vn",
    ]


def test_without_email_url_production_sends_no_email_and_with_it_needs_the_sites_address():
    result = manage(*PRINT_EMAIL, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split("|")[0] == "False"
    refused = manage("check", EMAIL_URL="smtp://mail.example.vn:25", **PRODUCTION)
    assert refused.returncode != 0 and "DJANGO_SITE_URL" in refused.stderr


def test_the_file_store_is_a_setting_with_its_options():
    """Files on disk by default; another store (an S3-compatible one, README) is named with its options."""
    show = ("shell", "-c", "from django.conf import settings; print(settings.STORAGES['default'])")
    default = manage(*show, DJANGO_DEBUG="true")
    assert "'BACKEND': 'django.core.files.storage.FileSystemStorage', 'OPTIONS': {}" in default.stdout, default.stderr
    other = manage(
        *show,
        DJANGO_DEBUG="true",
        DJANGO_FILE_STORAGE="storages.backends.s3.S3Storage",
        DJANGO_FILE_STORAGE_OPTIONS='{"bucket_name": "danvan-tep", "default_acl": "private"}',
    )
    assert "'BACKEND': 'storages.backends.s3.S3Storage'" in other.stdout, other.stderr
    assert "'OPTIONS': {'bucket_name': 'danvan-tep', 'default_acl': 'private'}" in other.stdout
