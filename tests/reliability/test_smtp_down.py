"""SMTP down for an hour: the sweeps in that hour send nothing and keep every reminder with
its attempts and back-off; once the server is back, every reminder goes out exactly once.
The mail server is real (a refused local port, then a local SMTP server); only the clock is
moved."""

from collections import Counter
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
import time_machine

from compliance.models import FollowUpAction
from core import reminders
from core.models import Reminder
from core.reminders import sweep

START = datetime(2021, 7, 3, 9, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))


@pytest.fixture(autouse=True)
def _only_the_core_sources(monkeypatch):
    """Count what the core's action source sends; the apps' duties have their own tests."""
    core = {name: source for name, source in reminders.sources().items() if name.startswith("compliance.")}
    monkeypatch.setattr(reminders, "_sources", core)


def received(sink) -> Counter:
    found: Counter = Counter()
    for message in sink.messages:
        for line in message.text().splitlines():
            if line.strip().startswith("http") and "/followupaction/" in line:
                found[(message.recipients[0], urlsplit(line.strip()).path)] += 1
    return found


def unsent() -> list[Reminder]:
    return list(Reminder.objects.filter(sent_at__isnull=True))


def test_reminders_queued_while_smtp_is_down_for_an_hour_go_out_exactly_once_when_it_is_back(
    make_user, smtp_at, settings
):
    settings.REMINDER_RETRY_BASE_SECONDS = 300
    settings.REMINDER_BATCH_RECIPIENTS = 2  # several batches, each failing on its own
    for n in range(6):
        user = make_user()
        for k in range(2):
            FollowUpAction.objects.create(title=f"Actie {n}-{k}", owner=user, due_date=date(2021, 6, 30))

    with time_machine.travel(START, tick=False) as clock:
        assert sweep() == 0
        rows = unsent()
        assert len(rows) == 12
        assert {(r.attempts, r.next_attempt_at, r.claim_token) for r in rows} == {
            (1, START + timedelta(seconds=300), None)
        }
        assert all("Connection refused" in r.last_error or "ConnectionRefused" in r.last_error for r in rows)

        # The beat sweeps every 15 minutes while the server stays down: back-off 5, 10, 20 minutes.
        for minutes in (15, 30, 45):
            clock.move_to(START + timedelta(minutes=minutes))
            assert sweep() == 0
        rows = unsent()
        assert len(rows) == 12
        assert {(r.attempts, r.next_attempt_at) for r in rows} == {(3, START + timedelta(minutes=30, seconds=1200))}

        sink = smtp_at()  # the mail server is back
        clock.move_to(START + timedelta(hours=1))
        assert sweep() == 6
        clock.move_to(START + timedelta(hours=1, minutes=15))
        assert sweep() == 0

    assert not unsent()
    expected = Counter(Reminder.objects.values_list("recipient__email", "url"))
    assert sink.count() == 6
    assert received(sink) == expected
    assert set(expected.values()) == {1} and len(expected) == 12
