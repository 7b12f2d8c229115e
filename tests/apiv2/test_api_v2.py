"""/api/v2/ after the NL API Design Rules (ADR 2.1), beside an unchanged, deprecated /api/v1/."""

import json
from datetime import date

import pytest
import yaml
from rest_framework.test import APIClient

from core.api.v2 import API_V2_VERSION, V1_DEPRECATION
from organisation.models import Availability, Department

PROBLEM = "application/problem+json"


def assert_problem(response, status: int) -> dict:
    """An RFC 9457 problem with the members the ADR asks for, and the version header."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    assert response["API-Version"] == API_V2_VERSION
    body = json.loads(response.content)
    assert body["status"] == status
    assert body["type"] == "about:blank"
    assert body["title"] and body["detail"]
    return body


@pytest.fixture
def months(service):
    for month in (1, 2, 3, 4):
        Availability.objects.create(service=service, month=date(2026, month, 1), achieved="99.9")


# --- headers and paths --------------------------------------------------------------------


def test_every_v2_response_carries_the_full_version(api_as, auditor, api_client):
    assert api_as(auditor).get("/api/v2/departments")["API-Version"] == "2.0.0"
    assert api_client.get("/api/v2/departments")["API-Version"] == "2.0.0"  # 401
    assert api_client.get("/api/v2/openapi.json")["API-Version"] == "2.0.0"
    assert api_client.get("/api/v2/no-such-thing")["API-Version"] == "2.0.0"  # 404 from the resolver


def test_v2_paths_have_no_trailing_slash_and_a_slash_is_not_found(api_as, auditor, service):
    client = api_as(auditor)
    assert client.get("/api/v2/services").status_code == 200
    assert client.get(f"/api/v2/services/{service.pk}").status_code == 200
    assert client.get(f"/api/v2/services/{service.pk}/availability").status_code == 200
    assert client.get("/api/v2/incidents/stats/monthly?year=2026").status_code == 200
    # the v1 spelling is not an alias, and no redirect adds or strips a slash
    assert_problem(client.get("/api/v2/services/"), 404)
    assert_problem(client.get(f"/api/v2/services/{service.pk}/"), 404)


def test_extra_actions_are_kebab_case_in_v2(api_as, auditor):
    schema = json.loads(api_as(auditor).get("/api/v2/openapi.json").content)
    assert "/incidents/{id}/declare-calamity" in schema["paths"]
    assert "/privacy/breaches/{id}/not-reported" in schema["paths"]
    assert not [p for p in schema["paths"] if "_" in p.replace("{", "").split("{")[0]]


# --- query keys in lowerCamelCase ----------------------------------------------------------


def test_page_size_is_pagesize_in_v2_and_the_next_link_keeps_it(api_as, auditor):
    Department.objects.bulk_create(Department(name=f"Afdeling {n}", code=f"a{n}") for n in range(5))
    body = api_as(auditor).get("/api/v2/departments?pageSize=2").json()
    assert len(body["results"]) == 2
    assert "pageSize=2" in body["next"] and "/api/v2/departments?" in body["next"]


def test_a_camelcase_filter_reaches_the_snake_case_filterset(api_as, auditor, months):
    client = api_as(auditor)
    assert client.get("/api/v2/availability").json()["count"] == 4
    body = client.get("/api/v2/availability?monthFrom=2026-02-01&monthTo=2026-03-01").json()
    assert [row["month"] for row in body["results"]] == ["2026-02-01", "2026-03-01"]


def test_a_snake_case_query_key_is_refused_in_v2_not_silently_ignored(api_as, auditor, months):
    """Otherwise `page_size` or `month_from` would stay a hidden second spelling of v2."""
    body = assert_problem(api_as(auditor).get("/api/v2/availability?month_from=2026-02-01&pageSize=1"), 400)
    assert body["invalidParams"] == [{"name": "month_from", "reason": "Gebruik lowerCamelCase: monthFrom"}]


# --- problem+json for 4xx and 5xx ----------------------------------------------------------


def test_400_on_a_query_names_the_invalid_parameter_in_camelcase(api_as, auditor):
    body = assert_problem(api_as(auditor).get("/api/v2/availability?monthFrom=not-a-date"), 400)
    assert [param["name"] for param in body["invalidParams"]] == ["monthFrom"]
    assert body["invalidParams"][0]["reason"]


def test_400_on_a_body_lists_every_invalid_field_and_stores_nothing(api_as, administrator):
    before = Department.objects.count()
    body = assert_problem(api_as(administrator).post("/api/v2/departments", {"name": ""}, format="json"), 400)
    assert {param["name"] for param in body["invalidParams"]} >= {"name", "code"}
    assert Department.objects.count() == before


def test_401_keeps_its_www_authenticate_challenge(api_client):
    response = api_client.get("/api/v2/departments")
    assert_problem(response, 401)
    assert response["WWW-Authenticate"].startswith("Token")


def test_401_with_a_forged_token(api_client, db):
    api_client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 64)
    assert_problem(api_client.get("/api/v2/departments"), 401)


def test_403_for_a_user_without_the_right(api_as, outsider):
    assert_problem(api_as(outsider).post("/api/v2/departments", {"name": "X", "code": "x"}, format="json"), 403)
    assert not Department.objects.filter(code="x").exists()


def test_404_for_an_unknown_object(api_as, auditor):
    body = assert_problem(api_as(auditor).get("/api/v2/departments/999999"), 404)
    assert body["instance"] == "/api/v2/departments/999999"


def test_405_keeps_its_allow_header(api_as, django_user_model):
    root = django_user_model.objects.create_superuser("root", "root@waarborg.example", "Root-password-123")
    response = api_as(root).delete("/api/v2/history")
    assert_problem(response, 405)
    assert "GET" in response["Allow"]


def test_500_is_a_problem_too_and_tells_nothing_of_the_cause(api_as, auditor, monkeypatch):
    from organisation.api import views

    def explode(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(views.DepartmentViewSet, "list", explode)
    client = api_as(auditor)
    client.raise_request_exception = False
    response = client.get("/api/v2/departments")
    body = assert_problem(response, 500)
    assert "secret" not in response.content.decode()
    assert body["title"] == "Internal Server Error"


def test_a_csv_export_error_is_still_a_problem(api_as, auditor):
    assert_problem(api_as(auditor).get("/api/v2/availability?format=csv&monthFrom=x"), 400)


# --- the v2 schema -------------------------------------------------------------------------


def test_the_v2_schema_follows_the_design_rules(api_client, settings):
    response = api_client.get("/api/v2/openapi.json")
    assert response.status_code == 200 and "json" in response["Content-Type"]
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["version"] == API_V2_VERSION
    assert set(schema["info"]["contact"]) == {"name", "url", "email"} and all(schema["info"]["contact"].values())
    assert all(server["url"].startswith("https://") and server["url"].endswith("/v2") for server in schema["servers"])
    operations = [op for item in schema["paths"].values() for op in item.values() if isinstance(op, dict)]
    assert operations and not [p for p in schema["paths"] if p.endswith("/")]
    assert not any(op.get("deprecated") for op in operations)
    query = {param["name"] for op in operations for param in op.get("parameters", []) if param["in"] == "query"}
    assert {"pageSize", "monthFrom", "dueFrom"} <= query and not [name for name in query if "_" in name]
    for op in operations:
        for status, answer in op["responses"].items():
            if status[0] in "45":
                assert answer == {"$ref": "#/components/responses/Problem"}
            else:
                assert "API-Version" in answer["headers"]
    problem = schema["components"]["responses"]["Problem"]
    assert PROBLEM in problem["content"] and "API-Version" in problem["headers"]


def test_the_v2_schema_only_has_v2_and_the_v1_schema_only_v1(api_client):
    v2 = json.loads(api_client.get("/api/v2/openapi.json").content)
    v1 = yaml.safe_load(api_client.get("/api/v1/schema/").content)
    assert not [p for p in v2["paths"] if p.startswith("/api/")]
    assert v1["paths"] and all(p.startswith("/api/v1/") and p.endswith("/") for p in v1["paths"])
    assert len(v1["paths"]) == len(v2["paths"])


# --- v1: unchanged, deprecated -------------------------------------------------------------


def test_v1_answers_as_before_with_a_deprecation_header(api_as, auditor, api_client):
    Department.objects.bulk_create(Department(name=f"Afdeling {n}", code=f"a{n}") for n in range(3))
    response = api_as(auditor).get("/api/v1/departments/?page_size=1")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert len(response.json()["results"]) == 1 and "page_size=1" in response.json()["next"]
    assert response["Deprecation"] == V1_DEPRECATION
    assert "/api/v2/openapi.json" in response["Link"] and 'rel="successor-version"' in response["Link"]
    assert "API-Version" not in response
    # errors keep v1's shape
    missing = api_as(auditor).get("/api/v1/departments/999999/")
    assert missing["Content-Type"] == "application/json" and set(missing.json()) == {"detail"}
    assert missing["Deprecation"] == V1_DEPRECATION
    assert api_client.get("/api/v1/departments/").json().keys() == {"detail"}


def test_the_v1_schema_marks_every_operation_deprecated(api_client):
    response = api_client.get("/api/v1/schema/")
    assert response["Deprecation"] == V1_DEPRECATION
    schema = yaml.safe_load(response.content)
    operations = [op for item in schema["paths"].values() for op in item.values() if isinstance(op, dict)]
    assert operations and all(op["deprecated"] is True for op in operations)
    assert schema["info"]["version"] == "1.0.0"


def test_other_pages_get_neither_header(client):
    response = client.get("/health/")
    assert "Deprecation" not in response and "API-Version" not in response


def test_v2_is_the_same_viewset_with_the_same_rights(api_as, employee, auditor):
    """No second copy of the endpoints: what v1 refuses, v2 refuses, and the rows are the same."""
    for path in ("/api/v1/access-log/", "/api/v2/access-log"):
        assert api_as(employee).get(path).status_code == 403
    assert api_as(auditor).get("/api/v1/departments/").json() == api_as(auditor).get("/api/v2/departments").json() | {
        "next": None,
        "previous": None,
    }


def test_an_unauthenticated_client_gets_no_token_over_v2_with_a_wrong_password(db, make_user):
    make_user(None, username="someone")
    response = APIClient().post("/api/v2/auth/token", {"username": "someone", "password": "wrong"}, format="json")
    assert_problem(response, 400)


def test_the_refusal_speaks_english_when_asked(api_as, auditor):
    response = api_as(auditor).get("/api/v2/departments?page_size=1", HTTP_ACCEPT_LANGUAGE="en")
    body = assert_problem(response, 400)
    assert body["detail"] == "Query parameters are named in lowerCamelCase."
    assert body["invalidParams"] == [{"name": "page_size", "reason": "Use lowerCamelCase: pageSize"}]


def test_links_in_a_v2_answer_stay_in_v2(api_as, auditor, settings, django_capture_on_commit_callbacks):
    """The download link of an export job: under v2 a v2 path, under v1 the v1 path as before."""
    settings.EXPORT_ASYNC_THRESHOLD = 0
    Department.objects.create(name="Afdeling", code="afd")
    client = api_as(auditor)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.get("/api/v2/departments?format=csv").status_code == 202
    job = client.get("/api/v2/export-jobs").json()["results"][0]
    assert job["download_url"].endswith(f"/api/v2/export-jobs/{job['id']}/download")
    download = client.get(f"/api/v2/export-jobs/{job['id']}/download")
    assert download.status_code == 200 and download["API-Version"] == API_V2_VERSION
    v1 = client.get("/api/v1/export-jobs/").json()["results"][0]
    assert v1["download_url"].endswith(f"/api/v1/export-jobs/{job['id']}/download/")
