"""Auditor: the annual report, drill down from a figure, export CSV and XLSX, build a dossier
and verify its SHA256SUMS, read an object's history; try an edit and be refused."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def _download(j, link):
    with j.page.expect_download() as info:
        link.click()
    download = info.value
    return download.suggested_filename, Path(download.path()).read_bytes()


def test_annual_report_drill_down_and_exports(journey):
    j = journey("auditor")
    j.screenshot("start-auditor")
    j.goto("/reports/annual/2021/")
    expect(j.page.get_by_role("heading", level=1)).to_contain_text("2021")

    name, csv = _download(j, j.page.locator(".downloads").get_by_role("link", name="CSV"))
    assert name.endswith(".csv") and b"2021" in csv
    name, xlsx = _download(j, j.page.locator(".downloads").get_by_role("link", name="XLSX"))
    assert name.endswith(".xlsx") and zipfile.is_zipfile(io.BytesIO(xlsx))

    figure = j.page.locator("#figure-calamities td.num a").first
    count = int(figure.inner_text().replace(".", ""))
    j.click(figure)
    expect(j.page.locator("#changelist")).to_be_visible()
    expect(j.page.locator("#result_list tbody tr")).to_have_count(min(count, 100))

    name, csv = _download(j, j.page.get_by_role("link", name="CSV").first)
    assert name.endswith(".csv")
    assert len(csv.decode("utf-8-sig").strip().splitlines()) == count + 1  # header and one line a calamity


def test_build_a_dossier_in_the_background_and_verify_its_sha256sums(journey):
    """A year of every control is more than the server builds at once (DOSSIER_SYNC_MAX_FILES
    is 10 here): the Celery worker builds it while the job page refreshes itself."""
    j = journey("auditor", "/controls/dossier/")
    j.page.get_by_label("Maatregel:").select_option(label="Alle maatregelen")
    j.page.get_by_label("Van:").fill("2021-01-01")
    j.page.get_by_label("Tot en met:").fill("2021-12-31")
    j.click(j.page.get_by_role("button", name="Downloaden"))
    assert j.path.startswith("/reports/exports/"), j.path
    download_link = j.page.locator("a.download")
    download_link.wait_for(timeout=180_000)  # the page reloads every five seconds until the worker is done
    expect(j.page.locator("#job-status")).to_have_text("Klaar")
    j.settle()
    with j.page.expect_download() as info:
        download_link.click()
    archive = zipfile.ZipFile(io.BytesIO(Path(info.value.path()).read_bytes()))
    sums = archive.read("SHA256SUMS").decode().strip().splitlines()
    assert len(sums) > 10, "the dossier should hold more than ten files"
    for line in sums:
        digest, name = line.split(maxsplit=1)
        assert hashlib.sha256(archive.read(name.lstrip("*"))).hexdigest() == digest, name


def test_read_an_objects_history_and_be_refused_an_edit(journey):
    j = journey("auditor", "/admin/incidents/incident/")
    j.click(j.page.locator("#result_list tbody tr th a").first)
    change_url = j.page.url
    expect(j.page.locator("input[name=_save]")).to_have_count(0)  # read only
    j.click(j.page.get_by_role("link", name="Geschiedenis"))
    expect(j.page.locator("#content")).to_be_visible()

    # an edit sent anyway is refused
    j.expect_status(403, r"/change/$")
    response = j.page.request.post(
        change_url,
        form={"title": "Gewijzigd door de auditor"},
        headers={"Referer": change_url},
        fail_on_status_code=False,
    )
    assert response.status == 403
    j.expect_status(403, r"/admin/incidents/incident/add/$")
    refused = j.page.goto(j.url("/admin/incidents/incident/add/"))
    assert refused.status == 403
