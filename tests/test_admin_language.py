"""The admin speaks Vietnamese: every section and model of its index, and every column, filter, action and field
of every model it manages, the login-lock section (django-axes) included."""

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.templatetags.admin_list import result_headers
from django.test import Client
from django.urls import reverse

NOT_WORDS = {"ID"}  # the same in both languages


def english(labels) -> list[str]:
    """The labels that are English: no Vietnamese label is written in ASCII letters alone."""
    return [str(label) for label in labels if label and str(label).isascii() and str(label) not in NOT_WORDS]


REGISTERED = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


def test_the_index_names_every_section_and_model_in_vietnamese(admin_client):
    response = admin_client.get(reverse("admin:index"))
    apps = response.context["app_list"]
    assert english(app["name"] for app in apps) == []
    assert english(model["name"] for app in apps for model in app["models"]) == []
    assert "Khóa đăng nhập" in response.text and "Bộ đếm đăng nhập sai" in response.text
    assert "Access attempts" not in response.text and "Axes" not in response.text


@pytest.mark.parametrize(("model", "model_admin"), REGISTERED, ids=[model._meta.label for model, _ in REGISTERED])
def test_every_changelist_speaks_vietnamese(admin_client, model, model_admin):
    response = admin_client.get(reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"))
    assert response.status_code == 200
    changelist = response.context["cl"]
    headers = [header for header in result_headers(changelist) if "action-checkbox" not in header["class_attrib"]]
    assert english(header["text"] for header in headers) == []
    assert english(spec.title for spec in changelist.filter_specs) == []
    request = response.wsgi_request
    assert english(label for _, label in model_admin.get_action_choices(request, default_choices=[])) == []
    assert english(name for name, _ in model_admin.get_fieldsets(request)) == []
    shown = [model, *(inline.model for inline in model_admin.inlines)]  # on the change page
    fields = [field for each in shown for field in each._meta.get_fields() if hasattr(field, "verbose_name")]
    assert english(field.verbose_name for field in fields) == []
    assert "Programme" not in response.text and "Access attempts" not in response.text


def test_the_login_lock_shows_its_counts_in_vietnamese(admin_client, officer):
    for _ in range(2):
        Client().post(reverse("login"), {"username": officer.username, "password": "sai-mat-khau"})
    response = admin_client.get(reverse("admin:axes_accessattempt_changelist"))
    assert f"{settings.AXES_FAILURE_LIMIT - 2} lần thử còn lại" in response.text
    assert "Số lần sai" in response.text and "Tên đăng nhập" in response.text


def test_the_user_and_password_pages_speak_vietnamese(admin_client, officer):
    """Django's Vietnamese lacks the words of its password pages; the project's catalogue has them."""
    change = admin_client.get(reverse("admin:accounts_user_change", args=[officer.pk]))
    password = admin_client.get(reverse("admin:auth_user_password_change", args=[officer.pk]))
    assert change.status_code == password.status_code == 200
    assert "Đặt lại mật khẩu" in change.text and "không ai xem được mật khẩu" in change.text
    assert "Đăng nhập bằng mật khẩu" in password.text and "Tắt đăng nhập bằng mật khẩu" in password.text
    for english_words in ("Reset password", "Raw passwords", "Password-based authentication", "Enabled", "Disabled"):
        assert english_words not in change.text + password.text
