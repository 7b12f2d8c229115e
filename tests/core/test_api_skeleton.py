import pytest
import yaml


def test_the_openapi_schema_is_served_and_lists_the_core_endpoints(api_as, auditor):
    response = api_as(auditor).get("/api/v1/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    assert {"/api/v1/services/", "/api/v1/availability/", "/api/v1/history/"} <= set(schema["paths"])


def test_the_interactive_docs_load_their_assets_locally(client, auditor):
    client.force_login(auditor)
    page = client.get("/api/v1/docs/").content.decode()
    assert "drf_spectacular_sidecar" in page
    assert "cdn." not in page and "unpkg" not in page


def test_the_api_pages_its_lists(api_as, auditor, db):
    from organisation.models import Department

    Department.objects.bulk_create(Department(name=f"Afdeling {n}", code=f"a{n}") for n in range(60))
    body = api_as(auditor).get("/api/v1/departments/").json()
    assert body["count"] == Department.objects.count() > 60
    assert len(body["results"]) == 50 and body["next"]


@pytest.mark.parametrize("page_size", [3, 30])
def test_the_service_list_costs_the_same_queries_for_few_and_many_rows(
    api_as, auditor, django_assert_num_queries, page_size
):
    from organisation.models import Service

    Service.objects.bulk_create(Service(name=f"S{n}", slug=f"s{n}", domain="toegang") for n in range(page_size))
    client = api_as(auditor)
    # 1 user permissions, 1 group permissions, 1 count, 1 page of services
    with django_assert_num_queries(4):
        assert client.get("/api/v1/services/").status_code == 200


def test_health_reports_a_broken_broker_with_503(client, db, monkeypatch):
    from core import views

    monkeypatch.setattr(views, "_broker_ok", lambda: False)
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["broker"] == "error"
