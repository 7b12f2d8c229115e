import codecs
import hashlib

import pytest
from django.urls import reverse

from core import access
from reports.exports import run_export
from reports.models import AccessLog, ExportJob


@pytest.fixture(autouse=True)
def _low_threshold(settings):  # type: ignore[no-untyped-def]
    settings.EXPORT_ASYNC_THRESHOLD = 2


def start_admin_export(client, django_capture_on_commit_callbacks, **params):  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        return client.get(reverse("admin:organisation_service_export"), {"_format": "csv", **params})


def test_a_large_admin_export_becomes_a_job_and_never_runs_in_the_request(
    client_as, auditor, services, django_capture_on_commit_callbacks
):
    client = client_as(auditor)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.get(reverse("admin:organisation_service_export"), {"_format": "csv"})
    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == job.get_absolute_url()
    assert (job.status, job.rows_total, job.source, job.exporter) == ("pending", 3, "admin", "organisation.service")
    assert len(callbacks) == 1  # sent to the worker only once the transaction commits
    page = client.get(job.get_absolute_url())
    assert "In de wachtrij" in page.content.decode()
    assert 'http-equiv="refresh"' in page.content.decode()


def test_the_job_builds_the_file_with_the_filters_and_shows_a_download_link(
    client_as, auditor, services, django_capture_on_commit_callbacks, settings
):
    settings.EXPORT_ASYNC_THRESHOLD = 1
    client = client_as(auditor)
    start_admin_export(client, django_capture_on_commit_callbacks, domain__exact="toegang", o="1")
    job = ExportJob.objects.get()
    assert job.filters == {"domain__exact": ["toegang"], "o": ["1"]}
    assert (job.status, job.rows_done, job.rows_total) == ("done", 2, 2)
    page = client.get(job.get_absolute_url()).content.decode()
    assert job.download_url in page and job.sha256 in page
    download = client.get(job.download_url)
    data = b"".join(download.streaming_content)
    assert data.startswith(codecs.BOM_UTF8)
    lines = data.decode("utf-8-sig").splitlines()
    assert [line.split(";")[1] for line in lines[1:]] == ["DigiD", "eHerkenning"]
    assert hashlib.sha256(data).hexdigest() == job.sha256


def test_the_file_is_served_only_to_the_requester_and_auditors(
    client_as, security_officer, auditor, employee, services, django_capture_on_commit_callbacks
):
    start_admin_export(client_as(security_officer), django_capture_on_commit_callbacks)
    job = ExportJob.objects.get()
    assert client_as(employee).get(job.download_url).status_code == 404
    assert client_as(employee).get(job.get_absolute_url()).status_code == 404
    assert client_as(auditor).get(job.download_url).status_code == 200
    assert client_as(security_officer).get(job.download_url).status_code == 200


def test_the_api_answers_202_with_the_job_and_reports_progress(
    api_as, auditor, employee, services, django_capture_on_commit_callbacks
):
    client = api_as(auditor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get("/api/v1/services/?format=xlsx")
    assert response.status_code == 202
    job = ExportJob.objects.get()
    assert response.json() == {"job": f"http://testserver{job.get_absolute_url()}", "rows": 3}
    assert (job.source, job.exporter) == ("api", "organisation.api.views.ServiceViewSet")
    status = client.get(f"/api/v1/export-jobs/{job.pk}/").json()
    assert (status["status"], status["rows_done"], status["percent"]) == ("done", 3, 100)
    download = client.get(status["download_url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"PK")  # a zip: the XLSX
    assert api_as(employee).get(f"/api/v1/export-jobs/{job.pk}/").status_code == 404
    assert api_as(employee).get(f"/api/v1/export-jobs/{job.pk}/download/").status_code == 404


def test_the_streamed_mixin_also_hands_large_exports_to_a_job(api_as, auditor, django_capture_on_commit_callbacks):
    for n in range(3):
        access.notify_access(auditor, "download", name=f"bestand {n}")
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(auditor).get("/api/v1/access-log/?format=csv&action=download")
    assert response.status_code == 202
    job = ExportJob.objects.get()
    assert job.rows_done == 3 and job.filters == {"action": ["download"]}


def test_the_task_is_idempotent(client_as, auditor, services, django_capture_on_commit_callbacks):
    start_admin_export(client_as(auditor), django_capture_on_commit_callbacks)
    job = ExportJob.objects.get()
    before = (job.file.name, job.sha256, job.finished_at)
    run_export(job.pk)
    job.refresh_from_db()
    assert (job.file.name, job.sha256, job.finished_at) == before
    assert AccessLog.objects.filter(action="export").count() == 1


def test_a_job_whose_user_lost_the_right_fails_with_the_reason(
    client_as, security_officer, services, django_capture_on_commit_callbacks
):
    client = client_as(security_officer)
    with django_capture_on_commit_callbacks(execute=False):
        client.get(reverse("admin:organisation_service_export"), {"_format": "csv"})
    security_officer.groups.clear()
    job = ExportJob.objects.get()
    run_export(job.pk)
    job.refresh_from_db()
    assert job.status == "failed" and not job.file


def test_every_step_of_an_async_export_is_in_the_access_log(
    client_as, auditor, services, django_capture_on_commit_callbacks
):
    client = client_as(auditor)
    start_admin_export(client, django_capture_on_commit_callbacks)
    job = ExportJob.objects.get()
    client.get(job.download_url)
    actions = list(AccessLog.objects.order_by("pk").values_list("action", "row_count", "sha256"))
    assert actions == [("export_requested", 3, ""), ("export", 3, job.sha256), ("download", None, job.sha256)]
