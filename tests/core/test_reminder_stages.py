"""The sweep's direct computation of an item's latest stage gives what the full list of
default stages gives, at every moment around the due date."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from core.reminders import _latest, default_stages, latest_default_stages

DUE = date(2021, 6, 30)
START = datetime(2021, 5, 1, 0, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))


@pytest.mark.parametrize(
    ("before", "overdue"), [([14, 7, 1], [1, 7]), ([30], [2, 5, 14]), ([], []), ([3], []), ([0, 7], [0, 3])]
)
def test_the_latest_stage_is_the_latest_of_the_default_stages(settings, before, overdue):
    settings.REMINDER_DAYS_BEFORE = before
    settings.REMINDER_DAYS_OVERDUE = overdue
    checked = 0
    for hours in range(0, 24 * 160, 5):  # every five hours for 160 days, due date included
        now = START + timedelta(hours=hours)
        stages = default_stages(DUE, now)
        expected = (_latest(stages, now, escalation=False), _latest(stages, now, escalation=True))
        assert latest_default_stages(DUE, now) == expected, now
        checked += expected[0] is not None
    assert checked > 0
