"""Schemathesis against the OpenAPI schemas of v1 and v2, in process: whatever it sends, no
endpoint answers 500, and a refused request stores nothing malformed. On v2 every refusal is
application/problem+json and every answer carries API-Version.

Run with `make fuzz` (FUZZ_EXAMPLES examples per operation, default 25); CI runs it on
PostgreSQL."""

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from config.wsgi import application

# Only under `make fuzz` (which sets FUZZ_EXAMPLES), even when a -m option replaces the
# default "not fuzz" selection.
pytestmark = [
    pytest.mark.fuzz,
    pytest.mark.skipif("FUZZ_EXAMPLES" not in os.environ, reason="run by make fuzz"),
]

schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application)
schema_v2 = schemathesis.openapi.from_wsgi("/api/v2/openapi.json", application)
EXAMPLES = max(1, int(os.environ.get("FUZZ_EXAMPLES", "1")))


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Schemathesis calls the WSGI application directly, not through Django's test client,
    so the start and end of each request would close the database connection that holds the
    test's transaction. Django's test client disconnects the same handlers."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(transactional_db, django_user_model):
    """Requests run in autocommit, as in production (a test transaction around them would
    turn one refused statement into an aborted transaction for every later one)."""
    from knox.models import AuthToken

    user = django_user_model.objects.create_superuser("fuzzer", "fuzzer@waarborg.example", "Fuzz-password-123")
    return AuthToken.objects.create(user=user)[1]


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.function_scoped_fixture],
)
def test_no_endpoint_answers_500(case, token):
    case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=[not_a_server_error])


@schemathesis.check
def v2_problem_json_and_version(ctx, response, case):  # type: ignore[no-untyped-def]
    """The NL API Design Rules on every answer of v2."""
    assert response.headers.get("api-version") == ["2.0.0"], "no API-Version header"
    if response.status_code >= 400:
        content_type = (response.headers.get("content-type") or [""])[0]
        assert content_type == "application/problem+json", f"{response.status_code} as {content_type}"
        body = response.json()
        assert {"type", "title", "status", "detail"} <= set(body), body
        assert body["status"] == response.status_code
    return None


@schema_v2.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.function_scoped_fixture],
)
def test_no_v2_endpoint_answers_500_and_every_refusal_is_a_problem(case, token):
    case.call_and_validate(
        headers={"Authorization": f"Token {token}"}, checks=[not_a_server_error, v2_problem_json_and_version]
    )
