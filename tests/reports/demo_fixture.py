"""The demo data loaded once per test module (it takes seconds), inside a transaction that
is rolled back when the module is done, as Django's TestCase.setUpTestData does: each test
runs in a savepoint within it, so what a test changes is undone and the demo stays."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import transaction

from compliance.demo import load_all


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
def demo(demo_once, db) -> None:  # type: ignore[no-untyped-def]
    """The demo data, for a test that runs in its own savepoint."""
