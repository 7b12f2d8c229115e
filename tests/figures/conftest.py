"""Fixtures of the figure tests: the factories of the other test folders, imported (their
conftest fixtures are only visible inside their own folder)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest

from tests.compliance.conftest import make_control  # noqa: F401
from tests.incidents.conftest import make_incident  # noqa: F401
from tests.privacy.conftest import (  # noqa: F401
    activity,
    make_activity,
    make_breach,
    make_session,
    questionnaire,
    series,
)

AMSTERDAM_TZ = "Europe/Amsterdam"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def frozen_now(monkeypatch) -> Callable[[datetime], None]:  # type: ignore[no-untyped-def]
    """frozen_now(moment): timezone.now() returns `moment` from then on (for figures that
    depend on the moment of counting)."""

    def freeze(moment: datetime) -> None:
        from django.utils import timezone

        monkeypatch.setattr(timezone, "now", lambda: moment)

    return freeze


def amsterdam(*args: Any) -> datetime:
    from zoneinfo import ZoneInfo

    return datetime(*args, tzinfo=ZoneInfo(AMSTERDAM_TZ))
