"""Exports of the control lists: the changelist's and the API's filters, and the employee's
restriction to their own checks, hold in every export (streamed or as a job)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from compliance.models import ControlCheck
from reports.models import ExportJob
from tests.reports.test_admin_export import csv_rows
from tests.reports.test_api_export import rows_of


@pytest.fixture
def two_owners(make_control, employee, security_officer):  # type: ignore[no-untyped-def]
    """Two controls with their rolling checks: one owned by the employee, one by the officer."""
    return make_control(owner=employee), make_control(owner=security_officer)


def test_the_check_admin_export_has_exactly_the_filtered_rows_with_dutch_headers(
    client_as, security_officer, two_owners
):
    mine, _theirs = two_owners
    response = client_as(security_officer).get(
        reverse("admin:compliance_controlcheck_export"), {"control__id__exact": mine.pk, "_format": "csv"}
    )
    assert response.status_code == 200
    rows = csv_rows(response)
    assert "begin periode" in rows[0] and "einde periode" in rows[0]
    expected = sorted(str(pk) for pk in mine.checks.values_list("pk", flat=True))
    assert expected and sorted(row[0] for row in rows[1:]) == expected


def test_the_check_changelist_shows_the_export_buttons(client_as, security_officer, two_owners):
    page = client_as(security_officer).get("/admin/compliance/controlcheck/?status__exact=open").content.decode()
    assert "/admin/compliance/controlcheck/export/?status__exact=open&amp;_format=xlsx" in page


def test_an_employees_check_export_holds_only_their_own_checks(api_as, employee, two_owners):
    _mine, _theirs = two_owners
    rows = rows_of(api_as(employee).get("/api/v1/checks/?format=csv"))
    own = ControlCheck.objects.visible_to(employee)
    assert own.count() < ControlCheck.objects.count()
    assert sorted(row[0] for row in rows[1:]) == sorted(str(pk) for pk in own.values_list("pk", flat=True))


def test_an_employees_large_check_export_as_a_job_still_holds_only_their_own_checks(
    api_as, employee, two_owners, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_ASYNC_THRESHOLD = 1
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(employee).get("/api/v1/checks/?format=jsonl")
    assert response.status_code == 202
    job = ExportJob.objects.get()
    assert job.rows_done == ControlCheck.objects.visible_to(employee).count() < ControlCheck.objects.count()


@pytest.mark.parametrize("url", ["/api/v1/history/", "/api/v1/events/", "/api/v1/controls/"])
def test_history_events_and_controls_stream_their_exports(url, api_as, auditor, two_owners):
    listed = api_as(auditor).get(url).json()["count"]
    response = api_as(auditor).get(url + "?format=csv")
    assert response.status_code == 200
    assert response.streaming
    assert len(rows_of(response)) == 1 + listed
