"""403, 404, 500 and the CSRF failure: pages in the house style, in the visitor's language."""

import pytest
from django.conf import settings
from django.test import Client

import reports.views

ENGLISH_DEFAULTS = (
    "403 Forbidden",
    "<h1>Forbidden",
    "Not Found</h1>",
    "Server Error (500)",
    "CSRF verification failed",
)


def _in(client: Client, language: str) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def _page(response) -> str:  # type: ignore[no-untyped-def]
    html = response.content.decode()
    assert 'class="site-header"' in html  # the house style: base.html
    assert not [text for text in ENGLISH_DEFAULTS if text in html]
    return html


@pytest.mark.parametrize(
    "language, expected, absent",
    [("nl", "Pagina niet gevonden", "Page not found"), ("en", "Page not found", "Pagina niet gevonden")],
)
def test_404(client, db, language, expected, absent):
    response = _in(client, language).get("/bestaat-niet/")
    assert response.status_code == 404
    html = _page(response)
    assert expected in html and absent not in html
    assert f'<html lang="{language}">' in html


@pytest.mark.parametrize(
    "language, expected, absent", [("nl", "Geen toegang", "Access denied"), ("en", "Access denied", "Geen toegang")]
)
def test_403_from_the_admin(client_as, make_user, language, expected, absent):
    from accounts import roles

    coordinator = make_user(roles.WORKSHOP_COORDINATOR)
    response = _in(client_as(coordinator), language).get("/admin/incidents/incident/")
    assert response.status_code == 403
    html = _page(response)
    assert expected in html and absent not in html


@pytest.mark.parametrize(
    "language, expected, absent",
    [("nl", "Er ging iets mis", "Something went wrong"), ("en", "Something went wrong", "Er ging iets mis")],
)
def test_500(monkeypatch, client, auditor, language, expected, absent):
    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("broken")

    monkeypatch.setattr(reports.views, "start_page_sections", broken)
    client.raise_request_exception = False
    client.force_login(auditor)
    response = _in(client, language).get("/")
    assert response.status_code == 500
    html = _page(response)
    assert expected in html and absent not in html


@pytest.mark.parametrize(
    "language, expected, absent", [("nl", "Formulier verlopen", "Form expired"), ("en", "Form expired", "Formulier")]
)
def test_a_csrf_failure(db, language, expected, absent):
    client = _in(Client(enforce_csrf_checks=True), language)
    response = client.post("/i18n/setlang/", {"language": "nl"})
    assert response.status_code == 403
    html = _page(response)
    assert expected in html and absent not in html
