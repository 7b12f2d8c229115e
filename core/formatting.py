"""How dates, moments and numbers are shown to people: one set of helpers for every page.

A moment reads "30 november 2026 10:38" in Europe/Amsterdam, a date "30 november 2026",
a number with the active language's separators ("15.069" and "99,78" in Dutch), and what is
empty reads "—", never "None". The template filters in `core/templatetags/waarborg.py` are
thin wrappers around these functions.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from django.utils import dateformat, formats, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import get_language, gettext

EMPTY = "—"
MOMENT_FORMAT = "j F Y H:i"
DAY_FORMAT = "j F Y"


def _as_moment(value: Any) -> datetime | date | None:
    if isinstance(value, datetime | date):
        return value
    if isinstance(value, str) and value.strip():
        text = value.strip()
        try:
            return parse_datetime(text) or parse_date(text)
        except ValueError:
            return None
    return None


def moment(value: Any) -> str:
    """A moment as "30 november 2026 10:38" in Europe/Amsterdam (a date alone as a day).
    Also takes the ISO text a history record keeps; "—" for nothing."""
    parsed = _as_moment(value)
    if parsed is None:
        return EMPTY if value in (None, "", "None") else str(value)
    if not isinstance(parsed, datetime):
        return day(parsed)
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, timezone.get_default_timezone())
    local = timezone.localtime(parsed)
    return _formatted(local, local.utcoffset(), MOMENT_FORMAT, get_language())


def day(value: Any) -> str:
    """A date as "30 november 2026" (a moment: its day in Europe/Amsterdam)."""
    parsed = _as_moment(value)
    if parsed is None:
        return EMPTY if value in (None, "", "None") else str(value)
    if isinstance(parsed, datetime):
        if timezone.is_naive(parsed):
            parsed = timezone.make_aware(parsed, timezone.get_default_timezone())
        parsed = timezone.localtime(parsed).date()
    return _formatted(parsed, None, DAY_FORMAT, get_language())


@lru_cache(maxsize=8192)
def _formatted(value: datetime | date, offset: timedelta | None, format_string: str, language: str | None) -> str:
    """`dateformat.format`, remembered: a sweep or a list shows the same few dates thousands of
    times. Safe to cache because everything the text depends on is in the key: the value (a
    date, or a moment already in local time), its UTC offset (aware datetimes of the same
    instant compare equal whatever their zone, but their wall clocks differ; the formats show
    no zone name), the format and the active language (the month names)."""
    return dateformat.format(value, format_string)


def _as_number(value: Any) -> int | float | Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, str):
        try:
            return Decimal(value.strip())
        except InvalidOperation:
            return None
    return None


def number(value: Any, decimals: int | None = None) -> str:
    """A number with the active language's separators: 15.069 and 99,78 in Dutch."""
    parsed = _as_number(value)
    if parsed is None:
        return EMPTY if value in (None, "", "None") else str(value)
    return formats.number_format(parsed, decimal_pos=decimals, use_l10n=True, force_grouping=True)


def percent(value: Any, decimals: int = 2) -> str:
    """A percentage: "99,78 %" in Dutch, "99.78%" in English."""
    parsed = _as_number(value)
    if parsed is None:
        return EMPTY if value in (None, "", "None") else str(value)
    return gettext("%(number)s %%") % {"number": number(parsed, decimals)}


def capped(value: Any, cap: int) -> str:
    """A count that stops counting at `cap`: "meer dan 10.000" beyond it."""
    parsed = _as_number(value)
    if parsed is None:
        return EMPTY if value in (None, "", "None") else str(value)
    if parsed > cap:
        return gettext("meer dan %(number)s") % {"number": number(cap)}
    return number(parsed)


def yes_no(value: Any) -> str:
    if value in (True, "True", "true"):
        return gettext("Ja")
    if value in (False, "False", "false"):
        return gettext("Nee")
    return EMPTY
