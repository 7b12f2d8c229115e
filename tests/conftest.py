"""Shared fixtures: one user per role, clients logged in as them, and small factories.

Every view and endpoint gets an access test per role (see tests/accounts/test_roles.py)."""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from rest_framework.test import APIClient

from accounts import roles
from organisation.models import Department, Person, Service
from tests.storage.s3 import BucketPath, new_location, s3_server_session

_counter = itertools.count(1)
# `EVIDENCE_STORAGE=s3 make test ...`: every stored file goes to the S3 server (tests/storage/s3.py).
EVIDENCE_ON_S3 = os.environ.get("EVIDENCE_STORAGE", "").strip().lower() == "s3"


@pytest.fixture(autouse=True)
def _mail_and_tasks_in_process(settings):  # type: ignore[no-untyped-def]
    """Keep sent mail in memory and run Celery tasks in process (the integration tests
    under tests/integration/ switch this off and use a real worker)."""
    from django.core.cache import cache
    from django.utils import translation

    from config.celery import app as celery_app

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # a deliberately slow hash protects stored passwords, not test users
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Two-factor login and lockout have their own tests (tests/accounts/test_login_security.py);
    # elsewhere a logged-in test user is as good as a verified one.
    settings.WAARBORG_REQUIRE_2FA = False
    settings.AXES_ENABLED = False
    cache.clear()  # throttling counts live in the cache
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    # A request with another language leaves it active in the thread; start each test in Dutch.
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(scope="session")
def s3_server():  # type: ignore[no-untyped-def]
    """A real S3-compatible server (moto_server in its own process) with the test bucket."""
    yield from s3_server_session()


@pytest.fixture
def s3_media(request, settings):  # type: ignore[no-untyped-def]
    """The default storage on the S3 server, under a prefix of this test's own."""
    server = request.getfixturevalue("s3_server")
    location = new_location()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "core.s3storage.PrivateS3Storage", "OPTIONS": server.storage_options(location)},
    }
    return BucketPath(server, location)


@pytest.fixture(autouse=True)
def _private_media(request, settings, tmp_path):  # type: ignore[no-untyped-def]
    """Every test stores its files (evidence, exports, dossiers) in its own folder; with
    EVIDENCE_STORAGE=s3, or in a test marked `s3`, under its own prefix in the S3 bucket."""
    settings.MEDIA_ROOT = tmp_path / "media"
    if EVIDENCE_ON_S3 or request.node.get_closest_marker("s3"):
        return request.getfixturevalue("s3_media")
    return settings.MEDIA_ROOT


@pytest.fixture
def department(db) -> Department:  # type: ignore[no-untyped-def]
    return Department.objects.get_or_create(code="ciso", defaults={"name": "CISO-office"})[0]


@pytest.fixture
def make_user(db, department) -> Callable[..., object]:  # type: ignore[no-untyped-def]
    """make_user(role=None, manager=None, start_date=None, **user_fields) -> User with a Person."""

    def factory(role: str | None = None, manager=None, start_date: date | None = None, **fields):  # type: ignore[no-untyped-def]
        n = next(_counter)
        username = fields.pop("username", f"user{n}")
        user = get_user_model().objects.create_user(
            username=username,
            email=fields.pop("email", f"{username}@waarborg.example"),
            password=fields.pop("password", "Test-password-123"),
            first_name=fields.pop("first_name", "Test"),
            last_name=fields.pop("last_name", f"User {n}"),
            is_staff=fields.pop("is_staff", role not in (None, roles.EMPLOYEE)),
            **fields,
        )
        if role:
            user.groups.add(Group.objects.get(name=role))
        Person.objects.create(
            user=user,
            department=department,
            manager=getattr(manager, "person", manager),
            start_date=start_date or date(2020, 1, 1),
        )
        return user

    return factory


@pytest.fixture
def security_officer(make_user):  # type: ignore[no-untyped-def]
    return make_user(roles.SECURITY_OFFICER, username="security")


@pytest.fixture
def privacy_officer(make_user):  # type: ignore[no-untyped-def]
    return make_user(roles.PRIVACY_OFFICER, username="privacy")


@pytest.fixture
def workshop_coordinator(make_user):  # type: ignore[no-untyped-def]
    return make_user(roles.WORKSHOP_COORDINATOR, username="workshops")


@pytest.fixture
def auditor(make_user):  # type: ignore[no-untyped-def]
    return make_user(roles.AUDITOR, username="auditor")


@pytest.fixture
def employee(make_user):  # type: ignore[no-untyped-def]
    return make_user(roles.EMPLOYEE, username="employee")


@pytest.fixture
def administrator(make_user):  # type: ignore[no-untyped-def]
    return make_user(roles.ADMINISTRATOR, username="beheerder")


@pytest.fixture
def outsider(make_user):  # type: ignore[no-untyped-def]
    """A logged-in user with no role at all."""
    return make_user(None, username="outsider")


ROLE_FIXTURES = ["security_officer", "privacy_officer", "workshop_coordinator", "auditor", "employee", "administrator"]


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def api_as() -> Callable[[object], APIClient]:
    """api_as(user) -> an APIClient authenticated as that user."""

    def factory(user) -> APIClient:  # type: ignore[no-untyped-def]
        client = APIClient()
        client.force_authenticate(user)
        return client

    return factory


@pytest.fixture
def client_as(client):  # type: ignore[no-untyped-def]
    """client_as(user) -> the Django test client logged in as that user."""

    def factory(user):  # type: ignore[no-untyped-def]
        client.force_login(user)
        return client

    return factory


@pytest.fixture
def service(db) -> Service:  # type: ignore[no-untyped-def]
    return Service.objects.create(name="DigiD", slug="digid", domain=Service.Domain.ACCESS, availability_norm="99.50")
