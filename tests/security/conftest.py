"""Fixtures and helpers of the attack suite: each test performs an attack as an insider and
expects it to be refused, with nothing changed."""

from __future__ import annotations

import io
import itertools
from collections.abc import Callable
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from compliance.models import CheckStatus, Control, ControlCheck, Frequency

PASSWORD = "Test-password-123"


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def token_from_command(username: str) -> str:
    """The key `manage.py drf_create_token` prints (the only time it is shown)."""
    out = io.StringIO()
    call_command("drf_create_token", username, stdout=out)
    return out.getvalue().split("Generated token ", 1)[1].split()[0]


@pytest.fixture
def superuser(django_user_model, db):  # type: ignore[no-untyped-def]
    return django_user_model.objects.create_superuser("root", "root@waarborg.example", PASSWORD)


_codes = itertools.count(1)


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def make_control(db, make_user) -> Callable[..., Control]:  # type: ignore[no-untyped-def]
    """make_control(**fields): a quarterly control from 2021 (its checks are generated)."""

    def factory(**fields) -> Control:  # type: ignore[no-untyped-def]
        n = next(_codes)
        fields.setdefault("owner", fields.pop("owner", None) or make_user())
        fields.setdefault("code", f"SEC-{n:03d}")
        fields.setdefault("title", f"Maatregel {n}")
        fields.setdefault("frequency", Frequency.QUARTERLY)
        fields.setdefault("test_method", "Scanrapport van de kwetsbaarheden")
        fields.setdefault("start_date", date(2021, 1, 1))
        return Control.objects.create(**fields)

    return factory


@pytest.fixture
def open_check(make_control, employee) -> ControlCheck:  # type: ignore[no-untyped-def]
    """The first open check of a control owned by the employee (evidence required: the default)."""
    control = make_control(owner=employee)
    return control.checks.filter(status=CheckStatus.OPEN).order_by("period_start").first()


def report(name: str = "scan.txt", text: str = "14 kritieke kwetsbaarheden open\n") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode())
