"""The admin's own strings in Dutch: its JavaScript catalog (the filter_horizontal widget, the
date and time shortcuts) and empty values."""

import pytest
from django.conf import settings


@pytest.mark.parametrize(
    "language, present, absent",
    [
        ("nl", ["Kies %s door ze te selecteren", "Alle %s kiezen", "Vandaag", "Nu"], []),
        # English is the admin's source language: its catalog has no Dutch in it
        ("en", [], ["Kies %s door ze te selecteren", "Vandaag"]),
    ],
)
def test_the_admin_javascript_catalog_speaks_the_users_language(client_as, security_officer, language, present, absent):
    client = client_as(security_officer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get("/admin/jsi18n/")
    assert response.status_code == 200
    text = response.content.decode()
    assert [word for word in present if word not in text] == []
    assert [word for word in absent if word in text] == []
    # the change forms load it, and the strict CSP lets them (same origin)
    page = client.get("/admin/incidents/incident/add/")
    assert page.status_code == 200
    assert b'src="/admin/jsi18n/"' in page.content
    assert "script-src 'self'" in page.headers.get("Content-Security-Policy", "")
