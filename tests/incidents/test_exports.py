"""Exports of the incidents lists: exactly the filtered rows, Dutch headers, no formulas,
every row of the capped-count and cursor-paginated registers, large ones as a job."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from incidents import services
from incidents.models import PhishingTakedown
from reports.models import ExportJob
from tests.reports.test_admin_export import csv_rows
from tests.reports.test_api_export import rows_of

from .conftest import T0

FORMULA = '=HYPERLINK("http://evil.example","klik")'


def takedown(n: int, outcome: str) -> PhishingTakedown:
    taken = T0 + timedelta(days=1) if outcome == "taken_offline" else None
    return PhishingTakedown.objects.create(
        url=f"https://phish-{n}.example/login", reported_at=T0, outcome=outcome, taken_down_at=taken
    )


@pytest.fixture
def takedowns(db) -> list[PhishingTakedown]:  # type: ignore[no-untyped-def]
    """Five taken offline in 2021, two still online."""
    return [takedown(n, "taken_offline") for n in range(5)] + [takedown(n, "still_online") for n in (10, 11)]


@pytest.mark.parametrize(
    "params",
    [{"outcome__exact": "taken_offline"}, {"phishing_takedowns": "2021"}],
    ids=["list-filter", "figure-filter"],
)
def test_the_takedown_admin_export_has_every_filtered_row_beyond_the_count_cap(
    params, client_as, auditor, takedowns, settings
):
    settings.INCIDENTS_ADMIN_COUNT_LIMIT = 2  # the changelist pages count at most 2 rows
    response = client_as(auditor).get(reverse("admin:incidents_phishingtakedown_export"), {**params, "_format": "csv"})
    assert response.status_code == 200
    rows = csv_rows(response)
    assert "genormaliseerde URL" in rows[0] and "resultaat" in rows[0]
    expected = {t.normalised_url for t in takedowns[:5]}
    assert {row[rows[0].index("genormaliseerde URL")] for row in rows[1:]} == expected
    assert len(rows) == 1 + 5


def test_the_import_changelist_keeps_its_import_button_and_gains_the_export_buttons(
    client_as, security_officer, takedowns
):
    html = client_as(security_officer).get("/admin/incidents/phishingtakedown/?outcome__exact=still_online").content
    page = html.decode()
    assert "Importeren (CSV/XLSX)" in page
    assert "/admin/incidents/phishingtakedown/export/?outcome__exact=still_online&amp;_format=csv" in page


def test_the_cursor_paginated_api_export_has_every_filtered_row(api_as, auditor, takedowns):
    response = api_as(auditor).get("/api/v1/phishing-takedowns/?format=csv&outcome=taken_offline&page_size=2")
    assert response.status_code == 200
    assert response.streaming
    rows = rows_of(response)
    assert len(rows) == 1 + 5
    header = rows[0]
    assert "Resultaat" in header or "resultaat" in header
    assert all("still" not in ",".join(row) for row in rows[1:])


def test_a_formula_in_an_incident_title_is_neutralised_in_admin_and_api_exports(
    client_as, api_as, auditor, make_incident
):
    make_incident(title=FORMULA)
    make_incident(title="Gewone storing", severity="high")
    admin_rows = csv_rows(
        client_as(auditor).get(
            reverse("admin:incidents_incident_export"), {"_format": "csv", "severity__exact": "medium"}
        )
    )
    assert len(admin_rows) == 2
    assert "'" + FORMULA in admin_rows[1]
    api_rows = rows_of(api_as(auditor).get("/api/v1/incidents/?format=csv&severity=medium"))
    assert len(api_rows) == 2
    assert "'" + FORMULA in api_rows[1]
    assert FORMULA not in api_rows[1]


def test_a_takedown_export_above_the_threshold_becomes_a_job_with_every_row(
    api_as, client_as, auditor, takedowns, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_ASYNC_THRESHOLD = 3
    settings.INCIDENTS_ADMIN_COUNT_LIMIT = 2
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(auditor).get("/api/v1/phishing-takedowns/?format=csv&outcome=taken_offline")
    assert response.status_code == 202
    job = ExportJob.objects.get()
    assert (job.source, job.rows_done, job.filters) == ("api", 5, {"outcome": ["taken_offline"]})

    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(auditor).get(
            reverse("admin:incidents_phishingtakedown_export"), {"_format": "xlsx", "phishing_takedowns": "2021"}
        )
    assert response.status_code == 302
    job = ExportJob.objects.latest("pk")
    assert (job.source, job.exporter, job.rows_done) == ("admin", "incidents.phishingtakedown", 5)


def test_the_calamity_admin_export_follows_the_annual_figure_filter(
    client_as, auditor, security_officer, make_incident
):
    for year in (2020, 2021, 2021):
        incident = make_incident(started_at=T0.replace(year=year), detected_at=T0.replace(year=year))
        services.declare_calamity(
            incident, "tactical", "reden", security_officer, at=T0.replace(year=year), late_reason="logboek"
        )
    rows = csv_rows(
        client_as(auditor).get(reverse("admin:incidents_calamity_export"), {"calamities": "2021", "_format": "csv"})
    )
    assert len(rows) == 1 + 2
    assert "niveau" in rows[0]
