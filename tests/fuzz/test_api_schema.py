"""Schemathesis against the OpenAPI schema, in process: whatever it sends, no endpoint
answers 500, and a refused request stores nothing malformed.

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
