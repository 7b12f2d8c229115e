"""Moments that cannot lie: nothing is dated in the future (beyond a small clock skew), and an
event recorded after the fact says when it really happened.

`future_errors(**values)` gives, per field, the refusal of a moment or date in the future; every
model's clean() (and so the admin and the API) and the imports call it. `event_moment(...)` checks
the optional moment of an event (declaring a calamity, accepting or rejecting a check,
registering for a session, retiring a control): default now, not in the future, not before the
object it belongs to, and more than a day in the past only with a reason.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# An event recorded more than this long after it happened needs a reason.
LATE_RECORDING = timedelta(days=1)


def skew() -> timedelta:
    return timedelta(minutes=getattr(settings, "FUTURE_SKEW_MINUTES", 5))


def is_future(value: date | datetime | None, now: datetime | None = None) -> bool:
    """A moment later than now plus the allowed clock skew, or a date after today (local)."""
    if value is None:
        return False
    now = now or timezone.now()
    if isinstance(value, datetime):
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value > now + skew()
    return value > timezone.localdate(now + skew())


def future_message(value: date | datetime) -> Any:
    if isinstance(value, datetime):
        return _("Dit tijdstip ligt in de toekomst; alleen wat al gebeurd is kan worden vastgelegd.")
    return _("Deze datum ligt in de toekomst; alleen wat al gebeurd is kan worden vastgelegd.")


def future_errors(now: datetime | None = None, **values: date | datetime | None) -> dict[str, Any]:
    """{field: refusal} for each of `values` that lies in the future."""
    now = now or timezone.now()
    return {name: future_message(value) for name, value in values.items() if is_future(value, now)}  # type: ignore[arg-type]


def refuse_future(now: datetime | None = None, **values: date | datetime | None) -> None:
    errors = future_errors(now, **values)
    if errors:
        raise ValidationError(errors)


def event_moment(
    at: datetime | None,
    *,
    field: str = "at",
    not_before: datetime | None = None,
    reason: str = "",
    reason_field: str = "reason",
    now: datetime | None = None,
) -> datetime:
    """The moment of an event: `at`, or now. Refused (a ValidationError naming `field`) in the
    future or before `not_before` (the object it belongs to); more than a day in the past it
    needs a `reason` (refused naming `reason_field`)."""
    now = now or timezone.now()
    if at is None:
        return now
    if timezone.is_naive(at):
        at = timezone.make_aware(at)
    if is_future(at, now):
        raise ValidationError({field: future_message(at)})
    if not_before is not None and at < not_before:
        raise ValidationError(
            {
                field: _("Dit tijdstip ligt vóór %(moment)s, waar de gebeurtenis bij hoort.")
                % {"moment": f"{timezone.localtime(not_before):%Y-%m-%d %H:%M}"}
            }
        )
    if at < now - LATE_RECORDING and not (reason or "").strip():
        raise ValidationError(
            {reason_field: _("Een tijdstip meer dan een dag geleden vraagt een reden voor de late registratie.")}
        )
    return at


def event_details(at: datetime, reason: str = "", now: datetime | None = None) -> dict[str, Any]:
    """What the history records beside an event: when it happened, when it was registered,
    and why late (if given)."""
    now = now or timezone.now()
    details: dict[str, Any] = {"occurred_at": at.isoformat(), "registered_at": now.isoformat()}
    if reason:
        details["late_reason"] = reason
    return details
