"""Shared helpers of the attack suite: each test performs an attack as an insider and
expects it to be refused, with nothing changed."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

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
