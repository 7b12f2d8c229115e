"""One way to show moments, dates and numbers (core/formatting.py, the `waarborg` filters)."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from core import formatting


def test_a_moment_is_local_and_to_the_minute():
    moment = datetime(2026, 12, 1, 7, 38, 12, 345678, tzinfo=UTC)
    assert formatting.moment(moment) == "1 december 2026 08:38"
    assert formatting.moment("2026-12-01 07:38:00+00:00") == "1 december 2026 08:38"
    assert formatting.moment(None) == "—" and formatting.moment("None") == "—"


def test_a_date_reads_as_a_day():
    assert formatting.day(date(2026, 11, 30)) == "30 november 2026"
    assert formatting.day("2026-11-30") == "30 november 2026"
    # a moment late in the evening in UTC is the next day in Amsterdam
    assert formatting.day(datetime(2026, 11, 30, 23, 30, tzinfo=UTC)) == "1 december 2026"


def test_numbers_with_dutch_separators_and_english_ones_when_asked():
    assert formatting.number(15069) == "15.069"
    assert formatting.percent(Decimal("99.78")) == "99,78 %"
    assert formatting.capped(10001, 10_000) == "meer dan 10.000"
    assert formatting.capped(9999, 10_000) == "9.999"
    with translation.override("en"):
        assert formatting.number(15069) == "15,069"
        assert formatting.percent(Decimal("99.78")) == "99.78%"
        assert formatting.capped(10001, 10_000) == "more than 10,000"
        assert formatting.moment(datetime(2026, 12, 1, 7, 38, tzinfo=UTC)) == "1 December 2026 08:38"


@pytest.mark.parametrize(
    "source, value, expected",
    [
        ("{{ v|number }}", 4127, "4.127"),
        ("{{ v|percent:2 }}", Decimal("99.5"), "99,50 %"),
        ("{{ v|capped:10000 }}", 10001, "meer dan 10.000"),
        ("{{ v|moment }}", datetime(2026, 11, 30, 9, 38, tzinfo=UTC), "30 november 2026 10:38"),
        ("{{ v|day }}", date(2026, 11, 30), "30 november 2026"),
        ("{{ v|moment }}", None, "—"),
    ],
)
def test_the_template_filters(source, value, expected):
    assert Template("{% load waarborg %}" + source).render(Context({"v": value})) == expected


def test_remembered_dates_still_follow_the_active_language_and_time_zone():
    """day() and moment() cache their texts (a sweep formats the same few dates thousands of
    times); the language and the wall clock of the active time zone are part of the key."""
    from django.utils import timezone

    moment = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)
    assert formatting.day(date(2026, 3, 1)) == "1 maart 2026"
    assert formatting.moment(moment) == "2 maart 2026 00:30"
    with translation.override("en"):
        assert formatting.day(date(2026, 3, 1)) == "1 March 2026"
    with timezone.override("UTC"):
        assert formatting.moment(moment) == "1 maart 2026 23:30"
        assert formatting.day(moment) == "1 maart 2026"
    with timezone.override("Asia/Tokyo"):  # the same instant, another wall clock
        assert formatting.moment(moment.astimezone(timezone.get_current_timezone())) == "2 maart 2026 08:30"
    assert formatting.moment(moment) == "2 maart 2026 00:30"
