"""Factories for the compliance tests: controls, checks and evidence files."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from compliance.models import CheckStatus, Control, ControlCheck, Frequency

FIXTURES = Path(__file__).parent / "fixtures"
_codes = itertools.count(1)

# A minimal valid PDF and PNG: the content is what the allow-list checks.
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40


@pytest.fixture(autouse=True)
def _fast_passwords(settings):  # type: ignore[no-untyped-def]
    """Tests create many users; a slow password hash only costs time here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def make_control(db, make_user) -> Callable[..., Control]:  # type: ignore[no-untyped-def]
    def factory(**fields) -> Control:  # type: ignore[no-untyped-def]
        n = next(_codes)
        fields.setdefault("owner", fields.pop("owner", None) or make_user())
        fields.setdefault("code", f"LR-{n:03d}")
        fields.setdefault("title", f"Maatregel {n}")
        fields.setdefault("frequency", Frequency.QUARTERLY)
        fields.setdefault("test_method", "Lijst met bevindingen")
        fields.setdefault("start_date", date(2021, 1, 1))
        # The workflow tests here submit without evidence; the evidence rule has its own
        # attack tests (tests/security/test_four_eyes.py), which ask for it explicitly.
        fields.setdefault("evidence_required", False)
        services = fields.pop("services", [])
        control = Control.objects.create(**fields)
        control.services.set(services)
        return control

    return factory


@pytest.fixture
def control(make_control, employee) -> Control:  # type: ignore[no-untyped-def]
    """A quarterly control owned by the employee."""
    return make_control(owner=employee)


@pytest.fixture
def open_check(control) -> ControlCheck:  # type: ignore[no-untyped-def]
    return control.checks.filter(status=CheckStatus.OPEN).order_by("period_start").first()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []
