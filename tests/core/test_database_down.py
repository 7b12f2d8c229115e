import pytest
from django.db import OperationalError
from rest_framework.test import APIClient

from organisation.api import views


@pytest.fixture
def database_down(monkeypatch):
    def fail(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(views.ServiceViewSet, "list", fail)


def test_a_lost_database_gives_a_503_with_a_clear_message(database_down, auditor):
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(auditor)
    response = client.get("/api/v1/services/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response.json()["detail"] == "De database is tijdelijk niet bereikbaar"


def test_other_errors_stay_500(monkeypatch, auditor):
    monkeypatch.setattr(views.ServiceViewSet, "list", lambda *a, **k: 1 / 0)
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(auditor)
    assert client.get("/api/v1/services/").status_code == 500


def test_input_that_breaks_a_database_rule_is_a_409_not_a_500(monkeypatch, auditor):
    from django.db import IntegrityError

    def fail(*args, **kwargs):
        raise IntegrityError("CHECK constraint failed")

    monkeypatch.setattr(views.ServiceViewSet, "list", fail)
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(auditor)
    response = client.get("/api/v1/services/")
    assert response.status_code == 409
    assert response.json()["detail"] == "In strijd met een regel van de gegevens"


def test_a_value_the_database_cannot_hold_is_a_400(monkeypatch, auditor):
    from django.db import DataError

    def fail(*args, **kwargs):
        raise DataError("time zone displacement out of range")

    monkeypatch.setattr(views.ServiceViewSet, "list", fail)
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(auditor)
    assert client.get("/api/v1/services/").status_code == 400


@pytest.mark.parametrize(
    ("language", "title", "message"),
    [
        ("nl", "Tijdelijk niet beschikbaar", "De database is tijdelijk niet bereikbaar"),
        ("en", "Temporarily unavailable", "The database is temporarily unavailable"),
    ],
)
def test_a_lost_database_on_a_page_gives_the_house_style_503_without_touching_the_database(
    monkeypatch, db, language, title, message, django_assert_num_queries
):
    from django.test import Client

    from accounts import views as account_views

    def fail(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(account_views.LoginView, "get", fail)
    client = Client(raise_request_exception=False, headers={"accept-language": language})
    with django_assert_num_queries(0):
        response = client.get("/account/login/?next=/checks/mine/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert f"<h1>{title}</h1>" in html and message in html
    assert "waarborg/site.css" in html and 'class="skip-link"' in html
    assert 'href="/account/login/?next=/checks/mine/"' in html
