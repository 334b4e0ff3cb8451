"""Security headers, login throttling and production cookies."""

import ipaddress

import pytest
from axes.models import AccessAttempt
from django.test import Client, RequestFactory
from django.urls import reverse

from accounts.client_address import client_address


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


def failed_login(client, username="canbo", **headers):
    return client.post(reverse("login"), {"username": username, "password": "sai-mat-khau"}, **headers)


def good_login(client, username="canbo", **headers):
    return client.post(reverse("login"), {"username": username, "password": "Mat-khau-thu-9"}, **headers)


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


# --- the client's address behind the proxy ---------------------------------------------------------------------

PROXY = "127.0.0.1"


@pytest.fixture
def behind_the_proxy(settings):
    settings.TRUSTED_PROXIES = [ipaddress.ip_network(PROXY)]
    settings.PROXY_COUNT = 1


def through_the_proxy(client_sent: str = "") -> dict:
    """What the proxy passes on: the client's own X-Forwarded-For, if any, with the address it saw appended."""
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": client_sent}


@pytest.mark.parametrize(
    ("proxies", "count", "connection", "forwarded", "expected"),
    [
        ([], 0, "203.0.113.5", "198.51.100.7", "203.0.113.5"),  # no proxy configured: the header is ignored
        ([], 1, "10.0.0.2", "198.51.100.7", "198.51.100.7"),  # a count alone trusts the connection
        (["10.0.0.0/24"], 1, "10.0.0.2", "198.51.100.7", "198.51.100.7"),
        (
            ["10.0.0.0/24"],
            1,
            "10.0.1.2",
            "198.51.100.7",
            "10.0.1.2",
        ),  # not through the proxy: the header is the client's word
        (
            ["10.0.0.2"],
            1,
            "10.0.0.2",
            "1.2.3.4, 198.51.100.7",
            "198.51.100.7",
        ),  # what the client wrote itself is ignored
        (["10.0.0.2"], 1, "10.0.0.2", "", "10.0.0.2"),  # no header: the connection
        (["10.0.0.2"], 1, "10.0.0.2", "not-an-address", "10.0.0.2"),
        (["10.0.0.2"], 2, "10.0.0.2", "1.2.3.4, 198.51.100.7, 10.0.0.9", "198.51.100.7"),  # two proxies
        (["10.0.0.2"], 2, "10.0.0.2", "198.51.100.7", "10.0.0.2"),  # a chain shorter than the proxies: the connection
        (["2001:db8::/32"], 1, "2001:db8::1", "2001:db8:ffff::5", "2001:db8:ffff::5"),
    ],
)
def test_the_client_address(settings, proxies, count, connection, forwarded, expected):
    settings.TRUSTED_PROXIES = [ipaddress.ip_network(proxy) for proxy in proxies]
    settings.PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR=connection, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected


def test_behind_the_proxy_one_clients_failures_never_lock_out_another(officer, behind_the_proxy):
    attacker, colleague = Client(), Client()
    for _ in range(4):
        assert failed_login(attacker, **through_the_proxy("203.0.113.5")).status_code == 200
    assert failed_login(attacker, **through_the_proxy("203.0.113.5")).status_code == 429
    assert good_login(colleague, **through_the_proxy("198.51.100.7")).status_code == 302
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.5"}


def test_behind_the_proxy_a_client_cannot_escape_its_lock_by_writing_the_header(officer, behind_the_proxy):
    attacker = Client()
    for n in range(4):
        assert failed_login(attacker, **through_the_proxy(f"192.0.2.{n}, 203.0.113.5")).status_code == 200
    assert failed_login(attacker, **through_the_proxy("192.0.2.9, 203.0.113.5")).status_code == 429


def test_without_a_proxy_a_forwarded_header_is_ignored(officer):
    attacker = Client()
    for n in range(4):
        response = failed_login(attacker, REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
        assert response.status_code == 200
    assert failed_login(attacker, REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.5"}
    assert good_login(Client(), REMOTE_ADDR="198.51.100.7").status_code == 302


def test_many_accounts_tried_from_one_client_are_slowed_too(officer, behind_the_proxy, settings):
    assert settings.LOGIN_ADDRESS_FAILURE_LIMIT == 20
    attacker, colleague = Client(), Client()
    for n in range(19):  # four tries at each name: no name reaches its own limit
        assert failed_login(attacker, f"ten-{n // 4}", **through_the_proxy("203.0.113.5")).status_code == 200
    # Signing in to an account of one's own from there clears that account's failures only, not the address's.
    assert good_login(attacker, **through_the_proxy("203.0.113.5")).status_code == 302
    attacker.post(reverse("logout"))
    assert failed_login(attacker, "ten-9", **through_the_proxy("203.0.113.5")).status_code == 429
    locked = good_login(attacker, **through_the_proxy("203.0.113.5"))
    assert locked.status_code == 429 and "tạm thời bị khóa đăng nhập" in locked.text
    assert good_login(colleague, **through_the_proxy("198.51.100.7")).status_code == 302
