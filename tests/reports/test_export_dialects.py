"""CSV exports open right in Dutch Excel by default (`?dialect=nl`: semicolons, a BOM,
decimal commas, Dutch dates in Dutch time) and serve machines with `?dialect=rfc4180`
(commas, decimal points, ISO 8601); XLSX has typed cells, a frozen header and widths."""

from __future__ import annotations

import codecs
import csv
import io
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from core.exporters import ListExporter, UnknownDialect, csv_cell, get_dialect
from incidents.models import DDoSAttack, PhishingTakedown

# 09:38 UTC on 30 November 2026 is 10:38 in Amsterdam (winter time).
MOMENT = datetime(2026, 11, 30, 9, 38, tzinfo=ZoneInfo("UTC"))


def content_of(response) -> bytes:  # type: ignore[no-untyped-def]
    return b"".join(response.streaming_content) if response.streaming else response.content


def parse(data: bytes, delimiter: str) -> list[list[str]]:
    assert data.startswith(codecs.BOM_UTF8)
    return list(csv.reader(io.StringIO(data[len(codecs.BOM_UTF8) :].decode("utf-8")), delimiter=delimiter))


@pytest.fixture
def takedown(db):  # type: ignore[no-untyped-def]
    return PhishingTakedown.objects.create(
        url="https://digid-inlog.example.com/login",
        reported_at=MOMENT,
        outcome="still_online",
        hosting_provider='=HYPERLINK("http://x")',
    )


def test_the_default_dialect_is_dutch_excel(takedown, security_officer, api_as):
    response = api_as(security_officer).get("/api/v1/phishing-takedowns/?format=csv")
    assert response.status_code == 200
    rows = parse(content_of(response), ";")
    header, row = rows[0], rows[1]
    assert len(header) > 5 and len(row) == len(header)
    cells = dict(zip(header, row, strict=True))
    assert "30-11-2026 10:38" in row  # Dutch Excel reads it as a date, in Dutch time
    assert '\'=HYPERLINK("http://x")' in row  # formulas are still neutralised
    assert cells[header[0]] == str(takedown.pk)


def test_rfc4180_is_comma_separated_with_iso_dates(takedown, security_officer, api_as):
    response = api_as(security_officer).get("/api/v1/phishing-takedowns/?format=csv&dialect=rfc4180")
    assert response.status_code == 200
    rows = parse(content_of(response), ",")
    assert len(rows[1]) == len(rows[0]) > 5
    assert "2026-11-30T10:38:00+01:00" in rows[1]
    assert '\'=HYPERLINK("http://x")' in rows[1]


def test_decimals_get_a_comma_in_nl_and_a_point_in_rfc4180(db, security_officer, api_as):
    DDoSAttack.objects.create(started_at=MOMENT, vector="syn_flood", peak_gbps=Decimal("99.78"))
    client = api_as(security_officer)
    nl = parse(content_of(client.get("/api/v1/ddos-attacks/?format=csv")), ";")
    rfc = parse(content_of(client.get("/api/v1/ddos-attacks/?format=csv&dialect=rfc4180")), ",")
    assert "99,78" in nl[1] and "99.78" not in nl[1]
    assert "99.78" in rfc[1]


@pytest.mark.parametrize("dialect", ["excel", "NL;", "tsv"])
def test_an_unknown_dialect_is_refused_with_a_clear_message_and_exports_nothing(
    takedown, security_officer, api_as, client_as, dialect
):
    response = api_as(security_officer).get(f"/api/v1/phishing-takedowns/?format=csv&dialect={dialect}")
    assert response.status_code == 400
    assert "nl of rfc4180" in response.json()["detail"]
    admin = client_as(security_officer).get(
        reverse("admin:incidents_phishingtakedown_export"), {"_format": "csv", "_dialect": dialect}
    )
    assert admin.status_code == 400
    assert "rfc4180" in admin.content.decode()


def test_the_admin_export_takes_the_dialect_too(takedown, security_officer, client_as):
    client = client_as(security_officer)
    url = reverse("admin:incidents_phishingtakedown_export")
    nl = parse(content_of(client.get(url, {"_format": "csv"})), ";")
    rfc = parse(content_of(client.get(url, {"_format": "csv", "_dialect": "rfc4180"})), ",")
    assert len(nl) == len(rfc) == 2
    assert len(nl[0]) == len(rfc[0]) > 3


def test_a_background_job_writes_the_dialect_that_was_asked_for(
    takedown, security_officer, client_as, settings, django_capture_on_commit_callbacks
):
    from reports.models import ExportJob

    settings.EXPORT_ASYNC_THRESHOLD = 0
    client = client_as(security_officer)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(reverse("admin:incidents_phishingtakedown_export"), {"_format": "csv", "_dialect": "rfc4180"})
    job = ExportJob.objects.get()
    assert job.status == "done", job.error
    rows = parse(content_of(client.get(job.download_url)), ",")
    assert len(rows) == 2 and len(rows[0]) > 3


def test_the_cell_function_of_each_dialect():
    nl, rfc = csv_cell(get_dialect("nl")), csv_cell(get_dialect("rfc4180"))
    assert nl(Decimal("-1.5")) == "-1,5" and rfc(Decimal("-1.5")) == "-1.5"  # numbers are not formulas
    assert nl(True) == "ja" and rfc(False) == "false"
    assert nl(None) == rfc(None) == ""
    assert nl("@SUM(A1)") == rfc("@SUM(A1)") == "'@SUM(A1)"
    assert nl(MOMENT.date()) == "30-11-2026" and rfc(MOMENT.date()) == "2026-11-30"
    assert nl({"a": "=1"}) == '{"a": "=1"}'
    with pytest.raises(UnknownDialect):
        get_dialect("excel")


def test_xlsx_has_typed_cells_a_frozen_header_and_column_widths(takedown, security_officer, api_as):
    response = api_as(security_officer).get("/api/v1/phishing-takedowns/?format=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(content_of(response))).active
    assert sheet.freeze_panes == "A2"
    header = [cell.value for cell in sheet[1]]
    row = dict(zip(header, sheet[2], strict=True))
    assert row["ID"].data_type == "n" and row["ID"].value == takedown.pk
    dates = [cell for cell in row.values() if cell.is_date]
    assert dates and dates[0].value == datetime(2026, 11, 30, 10, 38)  # Dutch time
    assert row[header[1]].data_type == "s"
    widths = [sheet.column_dimensions[letter].width for letter in "ABC"]
    assert all(width and width >= 8 for width in widths)
    assert sheet.column_dimensions["B"].width > sheet.column_dimensions["A"].width  # a URL is wider than an ID


def test_a_list_export_in_xlsx_keeps_numbers_and_neutralises_formulas():
    exporter = ListExporter("t", "t", ["getal", "tekst"], [[Decimal("99.78"), "=1+1"], [3, "x"]])
    target = io.BytesIO()
    assert exporter.write("xlsx", target) == 2
    sheet = load_workbook(io.BytesIO(target.getvalue())).active
    assert sheet["A2"].data_type == "n" and float(sheet["A2"].value) == 99.78
    assert sheet["B2"].value == "'=1+1"
    assert sheet.freeze_panes == "A2"
