"""Attack: a NUL byte (or another control character no column can hold) in the search or a
filter of an export. PostgreSQL cannot store NUL, so the access log row (which records the
export's filters) failed and the export answered 500. Every such request is now a 400
before any view runs, and nothing is stored: no access log row, no export job."""

from __future__ import annotations

import pytest
from django.contrib import admin

from config.urls import router
from core.admin_export import ExportMixin
from core.api.export import ExportListMixin
from reports.models import AccessLog, ExportJob

pytestmark = pytest.mark.django_db

ADMIN_EXPORTS = sorted(
    f"/admin/{model._meta.app_label}/{model._meta.model_name}/export/"
    for model, model_admin in admin.site._registry.items()
    if isinstance(model_admin, ExportMixin)
)
API_EXPORTS = sorted(
    f"/api/v1/{prefix}/" for prefix, viewset, _basename in router.registry if issubclass(viewset, ExportListMixin)
)
# NUL in a value and in a key, and the other control characters a text column would keep
# but no search or filter needs.
BAD_QUERIES = ["q=%00", "q=abc%00def", "status=%00", "%00=1", "q=%01", "q=%1F", "q=%7F"]


@pytest.fixture
def superuser(make_user):  # type: ignore[no-untyped-def]
    return make_user(None, username="root", is_superuser=True, is_staff=True)


@pytest.fixture(autouse=True)
def _exports_run_in_the_request(settings):  # type: ignore[no-untyped-def]
    """Small exports run in the request (the background path has its own test below)."""
    settings.EXPORT_ASYNC_THRESHOLD = 100_000


def nothing_stored() -> bool:
    return not AccessLog.objects.exists() and not ExportJob.objects.exists()


def test_there_are_exports_to_attack():
    assert len(ADMIN_EXPORTS) > 30 and len(API_EXPORTS) > 20
    assert "/admin/incidents/fraudaccountremoval/export/" in ADMIN_EXPORTS


@pytest.mark.parametrize("url", ADMIN_EXPORTS)
def test_a_nul_byte_in_the_search_of_any_admin_export_is_a_400(url, client_as, superuser):
    client = client_as(superuser)
    assert client.get(f"{url}?q=zoek&_format=csv").status_code == 200
    AccessLog.objects.all().delete()
    for fmt in ("csv", "xlsx"):
        response = client.get(f"{url}?q=%00&_format={fmt}")
        assert response.status_code == 400, (url, fmt, response.status_code)
    assert nothing_stored()


@pytest.mark.parametrize("query", BAD_QUERIES)
def test_any_control_character_in_any_parameter_of_an_admin_export_is_a_400(query, client_as, superuser):
    for url in ("/admin/incidents/fraudaccountremoval/export/", "/admin/compliance/controlcheck/export/"):
        response = client_as(superuser).get(f"{url}?{query}&_format=csv")
        assert response.status_code == 400
        assert "Ongeldig teken" in response.content.decode()
    assert nothing_stored()


@pytest.mark.parametrize("url", API_EXPORTS)
def test_a_nul_byte_in_the_search_or_a_filter_of_any_api_export_is_a_400(url, api_as, superuser):
    client = api_as(superuser)
    for query in ("search=%00", "q=%00", "status=a%00b", "%00=1"):
        response = client.get(f"{url}?format=csv&{query}")
        assert response.status_code == 400, (url, query, response.status_code)
        assert response.json()["detail"]
    assert nothing_stored()


def test_a_large_export_with_a_nul_byte_starts_no_background_job(settings, api_as, client_as, superuser):
    settings.EXPORT_ASYNC_THRESHOLD = -1  # every export would become a job
    assert api_as(superuser).get("/api/v1/fraud-account-removals/?format=xlsx&search=%00").status_code == 400
    assert client_as(superuser).get("/admin/incidents/fraudaccountremoval/export/?q=%00").status_code == 400
    assert nothing_stored()


def test_the_custom_register_exports_and_plain_lists_are_guarded_too(api_as, client_as, superuser):
    assert api_as(superuser).get("/api/v1/privacy/processing-activities/export/csv/?search=%00").status_code == 400
    assert api_as(superuser).get("/api/v1/incidents/?search=%00").status_code == 400
    assert client_as(superuser).get("/admin/incidents/incident/?q=%00").status_code == 400
    assert nothing_stored()


def test_an_ordinary_search_with_tabs_and_accents_still_works(client_as, superuser):
    response = client_as(superuser).get("/admin/incidents/incident/export/?q=caf%C3%A9%09x&_format=csv")
    assert response.status_code == 200
    assert AccessLog.objects.get().filters["q"] == ["café\tx"]
