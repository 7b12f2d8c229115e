"""The reliability tests use the fault scripts' local SMTP server (scripts/chaos/smtpsink.py)."""

import socket
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

CHAOS = Path(__file__).resolve().parents[2] / "scripts" / "chaos"
if str(CHAOS) not in sys.path:
    sys.path.insert(0, str(CHAOS))

from smtpsink import SMTPSink  # noqa: E402


@pytest.fixture
def closed_port() -> int:
    """A local port nothing listens on: connections are refused, as by a mail server that is down."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_at(closed_port: int, settings) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """Django sends real SMTP to `closed_port`; calling the fixture's value starts the sink there."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = closed_port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    started: list[SMTPSink] = []

    def start() -> SMTPSink:
        started.append(SMTPSink(closed_port).start())
        return started[-1]

    yield start
    for sink in started:
        sink.stop()
