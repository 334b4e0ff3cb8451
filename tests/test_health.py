"""The floor view: public, trivial, and free of database queries."""

from django.test import Client


def test_health_answers_ok_without_login_or_query(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/suc-khoe/")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"] == "text/plain"


def test_health_sets_no_cookie(client):
    assert not client.get("/suc-khoe/").cookies


def test_health_refuses_post():
    assert Client(enforce_csrf_checks=True).post("/suc-khoe/").status_code in (403, 405)
