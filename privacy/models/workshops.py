"""AVG workshops and onboarding: series, sessions, registrations and attendance."""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import formatting

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def new_feed_token() -> str:
    return secrets.token_urlsafe(24)


class WorkshopSeries(models.Model):
    class Kind(models.TextChoices):
        ONBOARDING = "onboarding", _("onboarding")
        AVG = "avg", _("AVG-workshop")

    name = models.CharField(_("naam"), max_length=200)
    slug = models.SlugField(_("code"), max_length=60, unique=True)
    kind = models.CharField(_("soort"), max_length=20, choices=Kind.choices)
    description = models.TextField(_("omschrijving"), blank=True)
    first_start = models.DateTimeField(
        _("eerste bijeenkomst"), help_text=_("Begin van de eerste bijeenkomst; de regel rekent hiervandaan.")
    )
    recurrence = models.TextField(
        _("herhaling (RFC 5545)"),
        blank=True,
        help_text=_(
            "Een RRULE zoals FREQ=MONTHLY;INTERVAL=2, of vaste data als "
            "RDATE:20210315T130000,20210614T130000. Leeg: alleen handmatig toegevoegde sessies."
        ),
    )
    duration_minutes = models.PositiveSmallIntegerField(_("duur (minuten)"), default=120)
    location = models.CharField(_("locatie"), max_length=200, blank=True)
    capacity = models.PositiveSmallIntegerField(_("plaatsen per sessie"), default=20)
    waiting_list = models.BooleanField(_("wachtlijst"), default=True)
    organizer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisator")
    )
    # Unguessable token in the URL of the series' .ics feed, so calendar apps can subscribe.
    feed_token = models.CharField(_("feed-sleutel"), max_length=64, unique=True, default=new_feed_token, editable=False)
    active = models.BooleanField(_("actief"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("workshopreeks")
        verbose_name_plural = _("workshopreeksen")
        constraints = [
            models.CheckConstraint(name="privacy_series_capacity_positive", condition=models.Q(capacity__gte=1))
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("privacy:calendar")

    def clean(self) -> None:
        if self.recurrence and self.first_start:
            try:
                self.rule()
            except (ValueError, TypeError) as exc:
                raise ValidationError({"recurrence": _("Ongeldige herhalingsregel: %s") % exc}) from exc

    def rule(self):  # type: ignore[no-untyped-def]
        """The recurrence as a dateutil rruleset over naive Amsterdam wall-clock times, so that
        a session stays at 10:00 across daylight-saving changes."""
        start = timezone.localtime(self.first_start, AMSTERDAM).replace(tzinfo=None)
        text = self.recurrence.strip()
        if text.upper().startswith("FREQ="):
            text = f"RRULE:{text}"
        return rrulestr(text, dtstart=start, forceset=True)

    def occurrences(self, start: datetime, end: datetime) -> list[datetime]:
        """Aware start times of this series between `start` and `end` (inclusive)."""
        if not self.recurrence.strip():
            return []
        naive_start = timezone.localtime(start, AMSTERDAM).replace(tzinfo=None)
        naive_end = timezone.localtime(end, AMSTERDAM).replace(tzinfo=None)
        return [moment.replace(tzinfo=AMSTERDAM) for moment in self.rule().between(naive_start, naive_end, inc=True)]

    def feed_url(self) -> str:
        return reverse("privacy:series-feed", args=[self.feed_token])


class WorkshopSessionQuerySet(models.QuerySet):
    def with_seats(self) -> WorkshopSessionQuerySet:
        registered = models.Count("registrations", filter=models.Q(registrations__status="registered"))
        waiting = models.Count("registrations", filter=models.Q(registrations__status="waiting"))
        return self.annotate(registered_count=registered, waiting_count=waiting).order_by("starts_at", "pk")


class WorkshopSession(models.Model):
    series = models.ForeignKey(
        WorkshopSeries, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("reeks")
    )
    starts_at = models.DateTimeField(_("begint om"))
    ends_at = models.DateTimeField(_("eindigt om"))
    location = models.CharField(_("locatie"), max_length=200, blank=True)
    capacity = models.PositiveSmallIntegerField(_("plaatsen"))
    cancelled = models.BooleanField(_("geannuleerd"), default=False)
    # RFC 5546: raised whenever the session's time or place changes.
    sequence = models.PositiveIntegerField(_("volgnummer agenda"), default=0, editable=False)

    objects = WorkshopSessionQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("workshopsessie")
        verbose_name_plural = _("workshopsessies")
        indexes = [
            # the calendar, the periodic task and the annual figures: sessions by start
            models.Index(fields=["starts_at"], name="privacy_session_start_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["series", "starts_at"], name="privacy_session_unique_start"),
            models.CheckConstraint(
                name="privacy_session_ends_after_start", condition=models.Q(ends_at__gt=models.F("starts_at"))
            ),
            models.CheckConstraint(name="privacy_session_capacity_positive", condition=models.Q(capacity__gte=1)),
        ]

    def __str__(self) -> str:
        local = timezone.localtime(self.starts_at, AMSTERDAM)
        return f"{self.series.name} {formatting.moment(local)}"

    def get_absolute_url(self) -> str:
        return reverse("privacy:calendar") + f"#sessie-{self.pk}"

    @property
    def uid(self) -> str:
        return f"session-{self.pk}@waarborg"

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            message = _("Een sessie eindigt na haar begin (eindigt om ligt niet na begint om).")
            raise ValidationError({"starts_at": message, "ends_at": message})

    def seats_left(self) -> int:
        registered = getattr(self, "registered_count", None)
        if registered is None:
            registered = self.registrations.filter(status=Registration.Status.REGISTERED).count()
        return max(self.capacity - registered, 0)


class Registration(models.Model):
    class Status(models.TextChoices):
        REGISTERED = "registered", _("ingeschreven")
        WAITING = "waiting", _("op de wachtlijst")
        CANCELLED = "cancelled", _("afgemeld")

    class Attendance(models.TextChoices):
        UNKNOWN = "", _("nog niet bijgehouden")
        ATTENDED = "attended", _("aanwezig")
        ABSENT = "absent", _("afwezig")
        EXCUSED = "excused", _("afgemeld met reden")

    session = models.ForeignKey(
        WorkshopSession, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("sessie")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="workshop_registrations",
        verbose_name=_("medewerker"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.REGISTERED, editable=False
    )
    attendance = models.CharField(_("aanwezigheid"), max_length=20, choices=Attendance.choices, blank=True)
    registered_at = models.DateTimeField(_("ingeschreven op"), default=timezone.now, editable=False)
    cancelled_at = models.DateTimeField(_("afgemeld op"), null=True, blank=True, editable=False)
    # Stable iCalendar UID, so a cancellation replaces the invitation in the attendee's calendar.
    uid = models.UUIDField(_("agenda-UID"), default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(_("volgnummer agenda"), default=0, editable=False)

    class Meta:
        ordering = ["session", "registered_at", "pk"]
        verbose_name = _("inschrijving")
        verbose_name_plural = _("inschrijvingen")
        permissions = [("view_all_registrations", _("Mag de inschrijvingen van iedereen zien"))]
        indexes = [
            # capacity checks and the waiting list: a session's registrations by status, oldest first
            models.Index(fields=["session", "status", "registered_at"], name="privacy_reg_session_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="privacy_registration_once_per_session"),
            models.CheckConstraint(
                name="privacy_registration_cancelled_has_time",
                condition=~models.Q(status="cancelled") | models.Q(cancelled_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user.get_full_name() or self.user.get_username()} — {self.session}"

    def get_absolute_url(self) -> str:
        return reverse("privacy:my-registrations")

    @property
    def ical_uid(self) -> str:
        return f"{self.uid}@waarborg"

    def reminder_at(self) -> datetime:
        return self.session.starts_at - timedelta(days=1)
