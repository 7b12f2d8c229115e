"""Exports of the privacy lists: exactly the filtered rows, Dutch headers, no formulas, and
the data-breach changelist keeps its register buttons next to the export buttons."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from privacy.models import Registration
from reports.models import ExportJob
from tests.reports.test_admin_export import csv_rows
from tests.reports.test_api_export import rows_of

FORMULA = "@SUM(1+1)*cmd|' /C calc'!A0"


def test_the_breach_admin_export_has_the_filtered_rows_and_neutralises_formulas(
    client_as, privacy_officer, make_breach
):
    make_breach(title=FORMULA, reported_to_ap_at=timezone.now())
    make_breach(title="Nog niet gemeld")
    response = client_as(privacy_officer).get(
        reverse("admin:privacy_databreach_export"), {"q": "SUM", "_format": "csv"}
    )
    assert response.status_code == 200
    rows = csv_rows(response)
    assert "titel" in rows[0] or "omschrijving" in rows[0]
    assert len(rows) == 2
    assert "'" + FORMULA in rows[1]
    assert FORMULA not in rows[1]


def test_the_breach_changelist_keeps_its_register_buttons_and_gains_the_export_buttons(
    client_as, privacy_officer, make_breach
):
    make_breach()
    page = client_as(privacy_officer).get("/admin/privacy/databreach/").content.decode()
    assert "Datalekkenregister als XLSX" in page
    assert "/admin/privacy/databreach/export/?_format=csv" in page


def test_the_breach_api_export_has_the_filtered_rows_with_dutch_headers(api_as, privacy_officer, make_breach):
    make_breach(title=FORMULA, reported_to_ap_at=timezone.now())
    make_breach(title="Nog niet gemeld")
    response = api_as(privacy_officer).get("/api/v1/privacy/breaches/?format=csv&reported=false")
    assert response.status_code == 200
    assert response.streaming
    rows = rows_of(response)
    assert len(rows) == 2
    assert "Nog niet gemeld" in rows[1]


def test_an_employees_registration_export_holds_only_their_own(api_as, employee, make_user, session):
    other = make_user(None)
    Registration.objects.create(session=session, user=employee)
    Registration.objects.create(session=session, user=other)
    rows = rows_of(api_as(employee).get("/api/v1/privacy/registrations/?format=csv"))
    assert len(rows) == 2


def test_a_large_breach_export_becomes_a_job(
    api_as, privacy_officer, make_breach, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_ASYNC_THRESHOLD = 1
    make_breach()
    make_breach()
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(privacy_officer).get("/api/v1/privacy/breaches/?format=xlsx")
    assert response.status_code == 202
    assert ExportJob.objects.get().rows_done == 2
