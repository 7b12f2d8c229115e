"""Exports of the registers and the DPIA PDF land in the access log."""

from __future__ import annotations

import pytest

from reports.models import AccessLog


@pytest.mark.parametrize(
    "url, name",
    [
        ("/api/v1/privacy/processing-activities/export/csv/", "privacy.processing_register"),
        ("/api/v1/privacy/processing-activities/export/pdf/", "privacy.processing_register"),
        ("/api/v1/privacy/breaches/export/xlsx/", "privacy.breach_register"),
    ],
)
def test_a_register_export_is_logged_with_its_filters(url, name, activity, make_breach, auditor, api_as):
    make_breach()
    response = api_as(auditor).get(url, {"search": "x"})
    assert response.status_code == 200
    entry = AccessLog.objects.get()
    assert (entry.user, entry.action, entry.name) == (auditor, "export", name)
    assert entry.format == url.rstrip("/").rsplit("/", 1)[-1]
    assert entry.filters == {"search": "x"}


def test_the_dpia_pdf_download_is_logged(make_dpia, auditor, api_as):
    dpia = make_dpia()
    assert api_as(auditor).get(f"/api/v1/privacy/dpias/{dpia.pk}/pdf/").status_code == 200
    entry = AccessLog.objects.get()
    assert (entry.name, entry.model, entry.object_id, entry.format) == (
        "privacy.dpia",
        "privacy.dpia",
        str(dpia.pk),
        "pdf",
    )


def test_a_refused_export_is_not_logged(employee, api_as, db):
    assert api_as(employee).get("/api/v1/privacy/breaches/export/csv/").status_code == 403
    assert not AccessLog.objects.exists()
