"""The evidence dossier: what it contains, that its hashes verify, that a file changed on
disk after acceptance is caught, who may download it, and that every download is logged."""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile

import pytest

from compliance import dossier
from compliance.controls import accept_check, submit_check
from compliance.evidence import add_evidence
from compliance.models import Evidence
from reports.models import AccessLog, ExportJob

from .conftest import PDF_BYTES, PNG_BYTES, upload

ROLES = ["security_officer", "privacy_officer", "workshop_coordinator", "auditor", "employee", "administrator"]
MAY_DOWNLOAD = {"security_officer", "auditor"}


@pytest.fixture
def accepted(open_check, employee, security_officer):  # type: ignore[no-untyped-def]
    """An accepted check with two versions of a file, a link and a note."""
    first = add_evidence(open_check, employee, upload=upload("rapport.pdf", PDF_BYTES))
    add_evidence(open_check, employee, upload=upload("rapport v2.pdf", PDF_BYTES + b"\n% v2"), supersedes=first)
    add_evidence(open_check, employee, upload=upload("=scherm.png", PNG_BYTES))
    add_evidence(open_check, employee, url="https://intranet.example/log")
    add_evidence(open_check, employee, note="Gesproken met de beheerder")
    accept_check(submit_check(open_check, employee, "effective", "Werkt"), security_officer)
    open_check.refresh_from_db()
    return open_check


def period_of(check):  # type: ignore[no-untyped-def]
    return {"from": check.period_start.isoformat(), "to": check.period_end.isoformat()}


def read_zip(content: bytes) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(content))


def sha256sum_c(archive: zipfile.ZipFile) -> dict[str, bool]:
    """What `sha256sum -c SHA256SUMS` would say per file, computed here from the ZIP."""
    result = {}
    for line in archive.read("SHA256SUMS").decode().splitlines():
        expected, path = line.split("  ", 1)
        result[path] = hashlib.sha256(archive.read(path)).hexdigest() == expected
    return result


def test_the_dossier_zip_holds_the_summary_every_file_and_sums_that_verify(accepted, api_as, auditor):
    response = api_as(auditor).get(f"/api/v1/controls/{accepted.control_id}/dossier/", period_of(accepted))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    content = b"".join(response.streaming_content)
    assert hashlib.sha256(content).hexdigest() == response["X-Dossier-SHA256"]
    archive = read_zip(content)
    files = Evidence.objects.filter(kind="file").order_by("pk")
    period = f"{accepted.period_start:%Y-%m-%d}_{accepted.period_end:%Y-%m-%d}"
    # names made safe for a file system: spaces become _, a leading = goes
    names = {"rapport.pdf": "rapport.pdf", "rapport v2.pdf": "rapport_v2.pdf", "=scherm.png": "scherm.png"}
    expected = {f"{accepted.control.code}/{period}/{e.pk}-{names[e.original_name]}" for e in files}
    assert expected <= set(archive.namelist())
    assert archive.read("dossier.pdf").startswith(b"%PDF")
    checked = sha256sum_c(archive)
    assert set(checked) == expected | {"dossier.pdf", "manifest.csv"}
    assert all(checked.values())
    # the sums are the hashes recorded at upload
    for e in files:
        assert f"{e.sha256}  " in archive.read("SHA256SUMS").decode()


def test_the_manifest_lists_links_notes_versions_and_is_safe_for_spreadsheets(accepted, api_as, auditor):
    response = api_as(auditor).get(f"/api/v1/controls/{accepted.control_id}/dossier/", period_of(accepted))
    archive = read_zip(b"".join(response.streaming_content))
    rows = list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode())))
    assert [row["soort"] for row in rows] == ["file", "file", "file", "link", "note"]
    second = rows[1]
    assert (second["versie"], second["vervangt"]) == ("2", rows[0]["bewijs_id"])
    # the original name is kept, neutralised like every cell: a spreadsheet shows it as text
    assert rows[2]["oorspronkelijke_naam"] == "'=scherm.png" and rows[2]["pad"].endswith("-scherm.png")
    assert rows[3]["link"] == "https://intranet.example/log" and rows[4]["notitie"] == "Gesproken met de beheerder"
    assert all(row["verificatie"] == "ok" for row in rows[:3])


def test_an_evidence_file_changed_on_disk_after_acceptance_is_caught(accepted, api_as, auditor, _private_media):
    tampered = Evidence.objects.filter(kind="file").first()
    (_private_media / tampered.file.name).write_bytes(PDF_BYTES + b"\n% later veranderd")
    response = api_as(auditor).get(f"/api/v1/controls/{accepted.control_id}/dossier/", period_of(accepted))
    archive = read_zip(b"".join(response.streaming_content))
    checked = sha256sum_c(archive)
    assert [path for path, ok in checked.items() if not ok] == [
        path for path in checked if path.split("/")[-1].startswith(f"{tampered.pk}-")
    ]
    assert dossier.verify_zip(
        io.BytesIO(
            b"".join(
                api_as(auditor)
                .get(f"/api/v1/controls/{accepted.control_id}/dossier/", period_of(accepted))
                .streaming_content
            )
        )
    ) == [path for path, ok in checked.items() if not ok]
    rows = list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode())))
    verdicts = {row["bewijs_id"]: row["verificatie"] for row in rows if row["soort"] == "file"}
    assert verdicts[str(tampered.pk)] == "GEWIJZIGD"
    assert list(verdicts.values()).count("ok") == 2
    assert AccessLog.objects.filter(name="compliance.dossier").first().details["mismatches"]


def test_a_missing_evidence_file_is_reported_as_missing(accepted, api_as, auditor, _private_media):
    gone = Evidence.objects.filter(kind="file").last()
    (_private_media / gone.file.name).unlink()
    response = api_as(auditor).get(f"/api/v1/controls/{accepted.control_id}/dossier/", period_of(accepted))
    archive = read_zip(b"".join(response.streaming_content))
    rows = list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode())))
    assert {row["bewijs_id"]: row["verificatie"] for row in rows}[str(gone.pk)] == "ONTBREEKT"
    assert all(sha256sum_c(archive).values())


def test_the_dossier_of_all_controls_and_only_the_pdf(accepted, make_control, api_as, auditor):
    make_control(code="ANDER-1")
    response = api_as(auditor).get("/api/v1/controls/dossier/", {**period_of(accepted), "output": "pdf"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_a_period_outside_the_checks_gives_an_empty_but_valid_dossier(accepted, api_as, auditor):
    response = api_as(auditor).get("/api/v1/controls/dossier/", {"from": "1999-01-01", "to": "1999-12-31"})
    archive = read_zip(b"".join(response.streaming_content))
    assert sorted(archive.namelist()) == ["SHA256SUMS", "dossier.pdf", "manifest.csv"]


@pytest.mark.parametrize(
    "params",
    [{"from": "2021-13-01"}, {"from": "2021-06-01", "to": "2021-01-01"}, {"output": "docx"}],
)
def test_bad_dossier_parameters_are_a_clear_400(params, control, api_as, auditor):
    response = api_as(auditor).get(f"/api/v1/controls/{control.pk}/dossier/", params)
    assert response.status_code == 400
    assert response.json()["detail"] and " / " not in response.json()["detail"]


@pytest.mark.parametrize("role", ROLES)
def test_who_may_download_a_dossier_in_the_api(role, request, control, api_as):
    response = api_as(request.getfixturevalue(role)).get(f"/api/v1/controls/{control.pk}/dossier/")
    assert response.status_code == (200 if role in MAY_DOWNLOAD else 403)


@pytest.mark.parametrize("role", ROLES)
def test_who_may_open_the_dossier_page(role, request, control, client_as):
    response = client_as(request.getfixturevalue(role)).get("/controls/dossier/")
    assert response.status_code == (200 if role in MAY_DOWNLOAD else 403)


def test_the_page_builds_the_dossier_and_logs_the_download(accepted, client_as, security_officer):
    query = {"control": accepted.control_id, "date_from": accepted.period_start, "date_to": accepted.period_end}
    response = client_as(security_officer).get("/controls/dossier/", {**query, "format": "zip", "download": "1"})
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    assert all(sha256sum_c(read_zip(content)).values())
    entry = AccessLog.objects.get(name="compliance.dossier")
    assert (entry.user, entry.action, entry.format, entry.row_count) == (security_officer, "download", "zip", 5)
    assert entry.sha256 == hashlib.sha256(content).hexdigest()
    assert entry.filters["control"] == str(accepted.control_id) and entry.model == "compliance.control"


def test_the_admin_links_a_control_to_its_dossier(control, client_as, auditor):
    page = client_as(auditor).get(f"/admin/compliance/control/{control.pk}/change/").content.decode()
    assert f"/controls/dossier/?control={control.pk}" in page


def test_the_admin_action_sends_one_control_to_its_dossier_page(control, client_as, security_officer):
    response = client_as(security_officer).post(
        "/admin/compliance/control/", {"action": "download_dossier", "_selected_action": [control.pk]}
    )
    assert response.status_code == 302 and response.url == f"/controls/dossier/?control={control.pk}"


def test_a_large_dossier_runs_as_an_export_job(accepted, api_as, auditor, settings, django_capture_on_commit_callbacks):
    settings.DOSSIER_SYNC_MAX_FILES = 1
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(auditor).get(f"/api/v1/controls/{accepted.control_id}/dossier/", period_of(accepted))
    assert response.status_code == 202 and response.json()["files"] == 3
    job = ExportJob.objects.get()
    assert (job.status, job.format, job.exporter) == ("done", "zip", "compliance.dossier")
    download = api_as(auditor).get(f"/api/v1/export-jobs/{job.pk}/download/")
    assert download.status_code == 200
    content = b"".join(download.streaming_content)
    assert hashlib.sha256(content).hexdigest() == job.sha256
    assert all(sha256sum_c(read_zip(content)).values())
    assert set(AccessLog.objects.values_list("action", flat=True)) == {"export_requested", "export", "download"}


def test_a_list_filter_with_an_id_too_large_for_the_database_is_a_400(api_as, auditor):
    response = api_as(auditor).get("/api/v1/controls/", {"service": "15565479100947885981696"})
    assert response.status_code == 400


def test_the_dossier_form_gives_its_date_inputs_iso_dates_the_browser_can_show(client_as, auditor):
    from django.utils import timezone

    page = client_as(auditor).get("/controls/dossier/").content.decode()
    assert f'value="{timezone.localdate().year}-01-01"' in page
    assert f'value="{timezone.localdate():%Y-%m-%d}"' in page
