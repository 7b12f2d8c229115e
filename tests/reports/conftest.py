from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest
from django.db import transaction

from core.demo import load_all
from organisation.models import Availability, Service


@pytest.fixture
def services(db) -> list[Service]:  # type: ignore[no-untyped-def]
    """Three services in two domains."""
    return [
        Service.objects.create(name="DigiD", slug="digid", domain=Service.Domain.ACCESS, availability_norm="99.50"),
        Service.objects.create(
            name="eHerkenning", slug="eherkenning", domain=Service.Domain.ACCESS, availability_norm="99.50"
        ),
        Service.objects.create(
            name="Digipoort", slug="digipoort", domain=Service.Domain.DATA_EXCHANGE, availability_norm="99.70"
        ),
    ]


@pytest.fixture
def many_services(db):  # type: ignore[no-untyped-def]
    def factory(count: int) -> None:
        Service.objects.bulk_create(
            Service(name=f"Dienst {n}", slug=f"dienst-{n}", domain=Service.Domain.STANDARDS) for n in range(count)
        )

    return factory


def add_months(service: Service, year: int, values: list[str]) -> None:
    for month, value in enumerate(values, start=1):
        Availability.objects.create(service=service, month=date(year, month, 1), achieved=Decimal(value))


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):  # type: ignore[no-untyped-def]
    """Export files go to a temporary folder, not the project's var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):  # type: ignore[no-untyped-def]
    """Demo users and role fixtures hash passwords; the tests need no strong hash."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# The demo data loaded once per test module (it takes seconds), inside a transaction that is
# rolled back when the module is done, as Django's TestCase.setUpTestData does: each test runs
# in a savepoint within it, so what a test changes is undone and the demo stays. Only for
# modules whose every test uses it: the demo users would collide with the role fixtures.
@pytest.fixture(scope="module")
def demo_once(django_db_setup, django_db_blocker) -> Iterator[None]:  # type: ignore[no-untyped-def]
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            load_all()
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def demo_2021(demo_once, db) -> None:  # type: ignore[no-untyped-def]
    """The demo data, for a test that runs in its own savepoint."""
