"""Security headers, login throttling and production cookies."""

import pytest
from django.test import Client
from django.urls import reverse


@pytest.mark.parametrize("path", ["/dang-nhap/", "/admin/login/"])
def test_security_headers(client, db, path):
    response = client.get(path)
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_pages_have_no_inline_script(client, officer):
    client.force_login(officer)
    for path in ["/", reverse("login")]:
        html = client.get(path).text
        assert "<script>" not in html and "onclick=" not in html and "style=" not in html


def failed_login(client, username="canbo"):
    return client.post(reverse("login"), {"username": username, "password": "sai-mat-khau"})


def test_login_is_throttled_with_a_vietnamese_message(officer):
    client = Client()
    for _ in range(4):
        assert failed_login(client).status_code == 200
    locked = failed_login(client)
    assert locked.status_code == 429
    assert "tạm thời bị khóa đăng nhập" in locked.text and "15 phút" in locked.text
    # Even the right password is refused while the lock holds.
    response = client.post(reverse("login"), {"username": "canbo", "password": "Mat-khau-thu-9"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_lock_is_per_user_name(officer, reviewer):
    client = Client()
    for _ in range(5):
        failed_login(client, "canbo")
    response = client.post(reverse("login"), {"username": "thamdinh", "password": "Mat-khau-thu-9"})
    assert response.status_code == 302


def test_a_successful_login_resets_the_count(officer):
    client = Client()
    for _ in range(4):
        failed_login(client)
    assert client.post(reverse("login"), {"username": "canbo", "password": "Mat-khau-thu-9"}).status_code == 302
    client.post(reverse("logout"))
    for _ in range(4):
        assert failed_login(client).status_code == 200
